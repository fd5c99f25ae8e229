#include "CTuneSupport.h"
#include <sys/vfs.h>

long long tune_filesystem_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long long)info.f_type;
}
