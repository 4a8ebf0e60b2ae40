#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes on pipe descriptors, retrying interrupted calls.
enum PipeIO {
    /// Writes every byte, blocking as needed.
    ///
    /// - Returns: false when the other end is gone (EPIPE; SIGPIPE must be ignored) or on any
    ///   other error.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let done = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if done < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += done
        }
        return true
    }

    /// Writes what the pipe takes now, without blocking (the descriptor is non-blocking).
    ///
    /// - Returns: the bytes written (0 when the pipe is full), or nil when the other end is gone.
    static func writeSome(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Int? {
        while true {
            let done = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
            if done >= 0 { return done }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            return nil
        }
    }

    /// Appends what one `read` returns to `buffer`.
    ///
    /// - Returns: the bytes read; 0 at end of file (or an error, which ends the stream too).
    static func readSome(_ descriptor: Int32, into buffer: inout [UInt8]) -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { return 0 }
            buffer += chunk[0..<got]
            return got
        }
    }

    /// True when `descriptor` has data (or end of file) to read right now.
    static func isReadable(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }
}
