import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `JobStore.remove` did.
public struct JobRemoval: Sendable, Equatable {
    public var job: String
    /// The job's folder was a symbolic link to this folder: the link is gone, the folder is kept.
    public var linkedFolder: String?
    /// Where what could not be deleted is (a hidden folder of the store), and why; nil when all went.
    public var leftover: String?
    public var leftoverReason: String?
}

extension JobStore {
    /// The prefix of the hidden name a job's folder gets while it is deleted: never a job's name
    /// (a job name cannot start with '.'), never listed.
    public static let removalPrefix = ".removing-"

    /// Deletes a job's folder from the store.
    ///
    /// Refuses a job a tune process runs (its lock is held: `StoreError.locked`), taking the lock
    /// itself for the time of the removal so that no `tune resume` starts on it meanwhile. The folder
    /// is first renamed to a hidden name in the store (one atomic step: the job is then gone, never
    /// half there), then deleted without following any symbolic link and without crossing into
    /// another file system. A job folder that is itself a link loses the link only.
    public func remove(_ job: String) throws(StoreError) -> JobRemoval {
        guard try resolve(job) == job else { throw StoreError.noSuchJob(name: job, store: root, known: headers().map(\.id)) }
        let folder = jobDirectory(job)
        var info = stat()
        guard lstat(folder, &info) == 0 else { throw StoreError.io("cannot read \(folder): \(String(cString: strerror(errno)))") }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            if let pid = runnerPid(job) { throw StoreError.locked(job: job, pid: pid) }
            let target = DirectoryEntries.canonical(folder)
            guard unlink(folder) == 0 else { throw StoreError.io("cannot remove the link \(folder): \(String(cString: strerror(errno)))") }
            try? Self.syncFolder(root)
            return JobRemoval(job: job, linkedFolder: target)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw StoreError.io("\(folder) is not a folder: tune leaves it as it is") }
        // Held until the folder is gone: a `tune run --job` or `tune resume` meanwhile finds it taken.
        let lock = try lockForRemoval(job)
        defer { withExtendedLifetime(lock) {} }
        let hidden = Self.removalPrefix + job + "-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard rename(folder, root + "/" + hidden) == 0 else {
            throw StoreError.io("cannot move \(folder) aside to delete it: \(String(cString: strerror(errno)))")
        }
        try? Self.syncFolder(root)
        if let reason = FolderRemoval.delete(hidden, in: root) {
            return JobRemoval(job: job, leftover: root + "/" + hidden, leftoverReason: reason)
        }
        return JobRemoval(job: job)
    }

    /// The job's lock, taken; `StoreError.locked` when a tune holds it. A lock that is not a regular
    /// file (a link, anything else) is never opened for writing: only asked whether it is held.
    private func lockForRemoval(_ job: String) throws(StoreError) -> JobLock? {
        var info = stat()
        let exists = lstat(lockPath(job), &info) == 0
        if exists && (info.st_mode & S_IFMT) != S_IFREG {
            if let pid = runnerPid(job) { throw StoreError.locked(job: job, pid: pid) }
            return nil
        }
        return try JobLock(path: lockPath(job), job: job)
    }
}

/// Deletes a folder tree through file descriptors (`openat`, `unlinkat`): a symbolic link is
/// removed, never followed; a folder on another file system (a mount) is left; a folder without
/// write permission for its owner gets it, so that what it holds can go.
enum FolderRemoval {
    /// Deletes `name` in `parent`; nil when everything went, else the first reason something stayed.
    static func delete(_ name: String, in parent: String) -> String? {
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { return "cannot open \(parent): \(String(cString: strerror(errno)))" }
        defer { close(parentFD) }
        var info = stat()
        guard fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return "cannot read \(name): \(String(cString: strerror(errno)))" }
        var problem: String?
        deleteEntry(name, in: parentFD, path: parent + "/" + name, device: info.st_dev, problem: &problem)
        return problem
    }

    private static func deleteEntry(_ name: String, in parentFD: Int32, path: String, device: dev_t, problem: inout String?) {
        var info = stat()
        guard fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno != ENOENT && problem == nil { problem = "cannot read \(path): \(String(cString: strerror(errno)))" }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            if unlinkat(parentFD, name, 0) != 0 && errno != ENOENT && problem == nil {
                problem = "cannot delete \(path): \(String(cString: strerror(errno)))"
            }
            return
        }
        guard info.st_dev == device else {
            if problem == nil { problem = "\(path) is another file system mounted there: unmount it, then delete the folder" }
            return
        }
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if problem == nil { problem = "cannot open \(path): \(String(cString: strerror(errno)))" }
            return
        }
        if info.st_mode & 0o300 != 0o300 { fchmod(fd, (info.st_mode & 0o7777) | 0o700) }
        for entry in names(fd) {
            deleteEntry(entry, in: fd, path: path + "/" + entry, device: device, problem: &problem)
        }
        close(fd)
        if unlinkat(parentFD, name, AT_REMOVEDIR) != 0 && errno != ENOENT && problem == nil {
            problem = "cannot delete \(path): \(String(cString: strerror(errno)))"
        }
    }

    /// The names in the open folder `fd` but `.` and `..` (the descriptor stays open).
    private static func names(_ fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let directory = fdopendir(copy) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
