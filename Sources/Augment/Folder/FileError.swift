#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written, with the system's reason.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// The `errno` value behind the failure.
    public var code: Int32
    /// What was being done: "cannot read", "cannot write", ...
    public var action: String

    public init(path: String, code: Int32, action: String) {
        self.path = path
        self.code = code
        self.action = action
    }

    /// The system's reason, as `strerror` words it ("No space left on device").
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(action) \(path): \(reason)" }

    /// True when no later write to the same place can succeed either (a full or read-only
    /// disk, a file-size limit)
    /// so a run should stop instead of failing every remaining image the same way.
    public var stopsTheRun: Bool {
        [ENOSPC, EDQUOT, EFBIG, EROFS, EIO].contains(code)
    }
}
