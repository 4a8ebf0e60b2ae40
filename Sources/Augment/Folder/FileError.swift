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

    /// Said instead of the system's reason when `code` alone would mislead ("not a regular
    /// file" rather than EINVAL's "Invalid argument").
    public var explanation: String?

    public init(path: String, code: Int32, action: String, explanation: String? = nil) {
        self.path = path
        self.code = code
        self.action = action
        self.explanation = explanation
    }

    /// The system's reason, as `strerror` words it ("No space left on device"), or the explanation.
    public var reason: String { explanation ?? String(cString: strerror(code)) }

    public var description: String { "\(action) \(path): \(reason)" }

    /// True when no later write to the same place can succeed either (a full or read-only
    /// disk, a file-size limit)
    /// so a run should stop instead of failing every remaining image the same way.
    public var stopsTheRun: Bool {
        [ENOSPC, EDQUOT, EFBIG, EROFS, EIO].contains(code)
    }
}
