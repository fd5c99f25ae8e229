// Fault injection for the reliability campaign (CampaignTests): an LD_PRELOAD library that makes
// one of tune's system calls on a chosen file fail, or kills tune right at it.
//
//   TUNE_FAULT_FILE   a part of the path the call must touch (e.g. "journal.jsonl")
//   TUNE_FAULT_CALL   write | fsync | rename
//   TUNE_FAULT_AT     the 1-based number of the matching call that goes wrong
//   TUNE_FAULT_DO     fail      that call and every later one fails with TUNE_FAULT_ERRNO (a full disk)
//                     once      only that call fails
//                     short     that write writes half its bytes, then every later one fails
//                     kill      SIGKILL before the call
//                     killafter SIGKILL right after the call returns
//   TUNE_FAULT_ERRNO  ENOSPC (default) | EIO | EDQUOT
//
// Only the process that loads it first is affected: it removes LD_PRELOAD from its environment,
// so tune's trials and its watchdog run without it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *file, *call, *action;
static long at, seen;
static int error_number = ENOSPC, armed;

__attribute__((constructor)) static void setup(void) {
    file = getenv("TUNE_FAULT_FILE");
    call = getenv("TUNE_FAULT_CALL");
    action = getenv("TUNE_FAULT_DO");
    const char *n = getenv("TUNE_FAULT_AT");
    const char *e = getenv("TUNE_FAULT_ERRNO");
    at = n ? atol(n) : 0;
    if (e && strcmp(e, "EIO") == 0) error_number = EIO;
    if (e && strcmp(e, "EDQUOT") == 0) error_number = EDQUOT;
    armed = file && call && action && at > 0;
    unsetenv("LD_PRELOAD");
}

static int fd_matches(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return 0;
    path[n] = 0;
    return strstr(path, file) != NULL;
}

// 0: go on; 1: fail; 2: half a write; 3: kill after the call.
static int decide(const char *which, int matches) {
    if (!armed || !matches || strcmp(call, which) != 0) return 0;
    seen++;
    if (seen < at) return 0;
    if (strcmp(action, "once") == 0) return seen == at;
    if (strcmp(action, "kill") == 0) kill(getpid(), SIGKILL);
    if (strcmp(action, "killafter") == 0) return seen == at ? 3 : 0;
    if (strcmp(action, "short") == 0 && seen == at) return 2;
    return 1;
}

ssize_t write(int fd, const void *buffer, size_t count) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    switch (decide("write", armed && fd_matches(fd))) {
    case 1: errno = error_number; return -1;
    case 2: return real(fd, buffer, count > 1 ? count / 2 : count);
    case 3: { ssize_t r = real(fd, buffer, count); kill(getpid(), SIGKILL); return r; }
    default: return real(fd, buffer, count);
    }
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    switch (decide("fsync", armed && fd_matches(fd))) {
    case 1: case 2: errno = error_number == ENOSPC ? EIO : error_number; return -1;
    case 3: { int r = real(fd); kill(getpid(), SIGKILL); return r; }
    default: return real(fd);
    }
}

int rename(const char *from, const char *to) {
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    int matches = armed && (strstr(from, file) != NULL || strstr(to, file) != NULL);
    switch (decide("rename", matches)) {
    case 1: case 2: errno = error_number; return -1;
    case 3: { int r = real(from, to); kill(getpid(), SIGKILL); return r; }
    default: return real(from, to);
    }
}
