/// Linux's `/proc/cpuinfo`: one block of `field : value` lines per processor.
enum CPUInfo {
    /// The file's text, or nil where it cannot be read (other systems, a sandbox without /proc).
    static func read() -> String? {
        guard let bytes = try? FileIO.read("/proc/cpuinfo") else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of the first line whose field is `field` (`model name`, `flags`), without the
    /// spaces around it, or nil when no line has that field.
    ///
    /// - Complexity: O(length of `text`).
    static func firstValue(of field: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 && parts[0].trimmingASCIISpaces() == field { return parts[1].trimmingASCIISpaces() }
        }
        return nil
    }
}
