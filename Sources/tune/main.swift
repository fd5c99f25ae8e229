import TuneCommands

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Started with stdin, stdout or stderr closed (`tune run … >&-`), the first files tune opens would
// take descriptors 0, 1 or 2, and what it prints would go into them (its journal). Each closed one
// gets /dev/null first, before anything else opens a file.
for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
    let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
    if null >= 0 && null != fd {
        _ = dup2(null, fd)
        close(null)
    }
}

TuneMain.main()
