#ifndef CTUNESUPPORT_H
#define CTUNESUPPORT_H

#include <spawn.h>
#include <sys/types.h>

/// The watchdog: a small process, forked from tune, that stops trials' process groups when tune
/// itself dies without doing so (SIGKILL, a crash, the OOM killer).
///
/// tune and the watchdog share a socket pair (AF_UNIX, SOCK_SEQPACKET, one record per message).
/// tune sends `register`/`unregister` records naming a trial's process group. When tune's end of
/// the socket closes — tune exited or was killed, and the kernel closed its descriptors — the
/// watchdog sends SIGTERM to every group still registered, waits up to `grace_seconds` while any
/// of them has members, SIGKILLs what is left and exits. If tune ends normally every group is
/// already unregistered and the watchdog exits at once.
///
/// A socket pair rather than a pipe: send(MSG_NOSIGNAL) reports a dead watchdog as EPIPE instead
/// of raising SIGPIPE (which would kill a process that has not ignored it, and tune is also a
/// library), and SOCK_SEQPACKET keeps each record whole. The end of file on tune's death is the same.
///
/// Why not PR_SET_PDEATHSIG: it cannot be set through posix_spawn, and it would reach only the
/// trial's first process, not what that process started; so the watchdog tracks process groups.
///
/// The watchdog calls setsid() (so Ctrl-C on the terminal and `kill -- -<tune's group>` do not
/// reach it), ignores SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and the terminal stop signals (so
/// only SIGKILL stops it), closes every descriptor but
/// its end of the socket (stdin/out/err become /dev/null) and runs in `/`. Its name (comm) is
/// `tune-watchdog`. Between fork() and _exit() it uses only async-signal-safe calls and no heap:
/// tune is multithreaded.
///
/// Processes that leave the trial's process group (setsid daemons, `setpgid`) are not tracked.
///
/// Returns the watchdog's pid, and in `*socket_fd` tune's end of the socket (close-on-exec, so
/// trials never inherit it); -1 with errno set when it cannot be started.
pid_t tune_watchdog_start(double grace_seconds, int *socket_fd);

/// Sends one record: `add` nonzero registers `pgid`, zero unregisters it. Never blocks and never
/// raises SIGPIPE. Returns 0, or -1 with errno set (EPIPE/ECONNRESET: the watchdog is gone;
/// EAGAIN: its queue is full).
int tune_watchdog_send(int socket_fd, int add, pid_t pgid);

/// How many process groups one watchdog tracks at most (later registrations are ignored).
#define TUNE_WATCHDOG_CAPACITY 4096

/// Adds "close every descriptor from `lowest` up" to a posix_spawn action list (glibc 2.34 and later;
/// elsewhere it adds nothing). Returns posix_spawn's error code, 0 on success.
int tune_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Adds "change to the directory `path`" to a posix_spawn action list (glibc 2.29 and later;
/// elsewhere ENOSYS). Returns posix_spawn's error code, 0 on success.
int tune_spawn_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// The file-system type of `path` (statfs's f_type: 0x6969 for NFS, …), or -1 with errno set.
/// (Swift's Glibc module does not export statfs.)
long long tune_filesystem_type(const char *path);

#endif
