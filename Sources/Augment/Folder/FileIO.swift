import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes, on POSIX calls so that each costs one system call per
/// chunk and reports `errno` precisely.
public enum FileIO {
    /// Numbers the temporary files of this process, so concurrent writers never share one.
    private static let temporaryCounter = Atomic<Int>(0)

    /// Reads a whole file: a regular file, or a pipe or device read to its end (a pipeline file
    /// may be given as `<(...)`).
    ///
    /// - Complexity: O(file size), one `read` for most files.
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        try read(path, regularFileOnly: false)
    }

    /// Reads a whole regular file, refusing anything else without blocking: for images, which
    /// were listed as regular files but may have been replaced since by a FIFO (whose `open`
    /// would wait forever for a writer) or a link to a device such as `/dev/zero` (never ending).
    ///
    /// - Complexity: O(file size), one `read` for most files.
    public static func readRegularFile(_ path: String) throws(FileError) -> [UInt8] {
        try read(path, regularFileOnly: true)
    }

    private static func read(_ path: String, regularFileOnly: Bool) throws(FileError) -> [UInt8] {
        // O_NONBLOCK only so that opening a FIFO returns at once; it does not change how a
        // regular file reads.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | (regularFileOnly ? O_NONBLOCK : 0))
        if descriptor < 0 { throw FileError(path: path, code: errno, action: "cannot read") }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw FileError(path: path, code: errno, action: "cannot read") }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw FileError(path: path, code: EISDIR, action: "cannot read") }
        if regularFileOnly && kind != S_IFREG {
            throw FileError(path: path, code: EINVAL, action: "cannot read", explanation: "not a regular file")
        }
        // The size is a hint: a file that grows or shrinks while being read is read to its end.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, code: errno, action: "cannot read")
            }
            if got == 0 { break }
            count += got
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Writes `bytes` to `path` atomically: into a temporary file in the same folder, renamed
    /// over `path` only once every byte is written, so a killed or failed write never leaves a
    /// partial file at `path`. The temporary file is removed on failure.
    ///
    /// Durability against power loss (fsync) is not attempted: it would cost more than the
    /// encoding on fast disks, and a lost output is simply made again with `--resume`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let (folder, name) = split(path)
        var temporary = ""
        var descriptor: Int32 = -1
        // O_EXCL on a name no other writer uses; the kernel applies the umask to mode 0666.
        repeat {
            temporary = "\(folder)/.\(name).tmp-\(getpid())-\(temporaryCounter.add(1, ordering: .relaxed).newValue)"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        } while descriptor < 0 && errno == EEXIST
        if descriptor < 0 { throw FileError(path: path, code: errno, action: "cannot write") }
        var failure: Int32 = 0
        var written = 0
        func write(upTo end: Int) {
            while failure == 0 && written < end {
                let done = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, end - written) }
                if done < 0 {
                    if errno != EINTR { failure = errno }
                } else {
                    written += done
                }
            }
        }
        if TestHooks.diesWriting(path) {
            write(upTo: bytes.count / 2)
            TestHooks.die()
        }
        write(upTo: bytes.count)
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileError(path: path, code: failure, action: "cannot write")
        }
    }

    /// Creates `path` and any missing parent folders (as `mkdir -p`).
    public static func createFolders(_ path: String) throws(FileError) {
        if path.isEmpty || isFolder(path) { return }
        let (parent, _) = split(path)
        if parent != path { try createFolders(parent) }
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw FileError(path: path, code: errno, action: "cannot create folder")
        }
    }

    /// True when something exists at `path` (following symbolic links).
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// True when `path` is a folder (following symbolic links).
    public static func isFolder(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The canonical absolute path with every symbolic link resolved, or nil if it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The name of a `readdir` entry, read in place: a record may be shorter than `dirent` (the
    /// kernel packs them by `d_reclen`), so copying the whole `d_name` array could read past the
    /// end of the listing's buffer.
    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        String(cString: (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!).assumingMemoryBound(to: CChar.self))
    }

    /// Splits a path into its folder ("." when there is none) and last component.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}

/// A file's size and modification time (ns since the epoch): what tells a changed file from
/// the one a cache was built from.
public struct FileFingerprint: Sendable, Equatable {
    public var size: UInt64
    public var modified: Int64
}

extension FileIO {
    /// The size and modification time of the file at `path` (following links), or nil.
    public static func fingerprint(_ path: String) -> FileFingerprint? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileFingerprint(size: UInt64(max(status.st_size, 0)),
                               modified: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }
}
