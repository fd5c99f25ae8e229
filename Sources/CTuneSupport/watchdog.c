#define _GNU_SOURCE
#include "CTuneSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  /* not on Darwin: SO_NOSIGPIPE is set on the socket instead */
#endif

/// One message from tune: register (op 1) or unregister (op 0) a process group.
struct watchdog_record {
    int32_t op;
    int32_t pgid;
};

/// The registered groups (0 marks a free slot). Static: the watchdog never allocates.
static pid_t groups[TUNE_WATCHDOG_CAPACITY];

static void add_group(pid_t pgid) {
    int free_slot = -1;
    for (int i = 0; i < TUNE_WATCHDOG_CAPACITY; i++) {
        if (groups[i] == pgid) return;
        if (groups[i] == 0 && free_slot < 0) free_slot = i;
    }
    if (free_slot >= 0) groups[free_slot] = pgid;
}

static void remove_group(pid_t pgid) {
    for (int i = 0; i < TUNE_WATCHDOG_CAPACITY; i++) {
        if (groups[i] == pgid) groups[i] = 0;
    }
}

/// Signals every registered group; forgets those that have no member left. Returns how many remain.
static int signal_groups(int sig) {
    int remaining = 0;
    for (int i = 0; i < TUNE_WATCHDOG_CAPACITY; i++) {
        if (groups[i] <= 0) continue;
        if (kill(-groups[i], sig) != 0 && errno == ESRCH) {
            groups[i] = 0;
        } else {
            remaining++;
        }
    }
    return remaining;
}

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/// The watchdog's whole life, in the forked child. Only async-signal-safe calls from here on.
static void watchdog_main(int fd, double grace, long max_fd) __attribute__((noreturn));
static void watchdog_main(int fd, double grace, long max_fd) {
    setsid();
#ifdef __linux__
    prctl(PR_SET_NAME, (unsigned long)"tune-watchdog", 0, 0, 0);
#endif

    struct sigaction ignore;
    ignore.sa_handler = SIG_IGN;
    ignore.sa_flags = 0;
    sigemptyset(&ignore.sa_mask);
    const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) sigaction(ignored[i], &ignore, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, 0);

    // Keep only the socket, as fd 3; stdin, stdout and stderr on /dev/null (not tune's terminal
    // or pipes, which the watchdog would otherwise hold open after tune is gone).
    if (fd != 3) {
        if (dup2(fd, 3) < 0) _exit(1);
        fd = 3;
    }
    int null_fd = open("/dev/null", O_RDWR);
    for (int target = 0; target <= 2; target++) {
        if (null_fd >= 0 && null_fd != target) dup2(null_fd, target);
    }
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 4U, ~0U, 0U) != 0)
#endif
    {
        for (long other = 4; other < max_fd; other++) close((int)other);
    }
    if (chdir("/") != 0) { /* stay where we are */ }

    struct watchdog_record record;
    for (;;) {
        ssize_t n = recv(fd, &record, sizeof record, 0);
        if (n == (ssize_t)sizeof record) {
            if (record.pgid <= 0) continue;
            if (record.op) add_group(record.pgid); else remove_group(record.pgid);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) continue;  // not a record tune sends: ignore it
        break;  // 0: tune's end is closed (tune is gone); < 0: cannot read, act as if it were
    }

    if (signal_groups(SIGTERM) > 0) {
        double deadline = monotonic_seconds() + (grace > 0 ? grace : 0);
        // kill(-pgid, 0) succeeds while the group has a member (a zombie counts until reaped).
        while (signal_groups(0) > 0 && monotonic_seconds() < deadline) {
            struct timespec pause = {0, 10 * 1000 * 1000};
            nanosleep(&pause, 0);
        }
        signal_groups(SIGKILL);
    }
    _exit(0);
}

pid_t tune_watchdog_start(double grace_seconds, int *socket_fd) {
    int ends[2];
#ifdef SOCK_CLOEXEC
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return -1;
#else
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ends) != 0) return -1;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
#endif
#ifdef SO_NOSIGPIPE
    int on = 1;
    setsockopt(ends[0], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
    // Bound for closing descriptors in the child when close_range is not available (read here:
    // getrlimit is not on the async-signal-safe list).
    long max_fd = 1024;
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) max_fd = (long)limit.rlim_cur;
    if (max_fd > 1 << 20) max_fd = 1 << 20;

    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(ends[0]);
        close(ends[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) watchdog_main(ends[1], grace_seconds, max_fd);
    close(ends[1]);
    *socket_fd = ends[0];
    return pid;
}

int tune_watchdog_send(int socket_fd, int add, pid_t pgid) {
    struct watchdog_record record = {add ? 1 : 0, (int32_t)pgid};
    for (;;) {
        ssize_t n = send(socket_fd, &record, sizeof record, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == (ssize_t)sizeof record) return 0;
        if (n < 0 && errno == EINTR) continue;
        if (n >= 0) errno = EIO;
        return -1;
    }
}
