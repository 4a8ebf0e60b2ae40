import CPNGShim

extension PNG {
    /// How hard to compress. Every setting is lossless; they trade time for file size.
    public struct Compression: Sendable, Equatable, Hashable {
        /// zlib's strategies (the values of `Z_DEFAULT_STRATEGY` ... `Z_FIXED`).
        public enum Strategy: Int32, Sendable, CaseIterable {
            case `default` = 0, filtered = 1, huffmanOnly = 2, rle = 3, fixed = 4
        }

        /// libpng's row filters; `.adaptive` lets libpng choose one per row.
        public enum Filter: Int32, Sendable, CaseIterable {
            case none = 0x08, sub = 0x10, up = 0x20, average = 0x40, paeth = 0x80, adaptive = 0xF8
        }

        /// zlib level, 0 (store) to 9 (smallest).
        public var level: Int
        public var strategy: Strategy
        public var filter: Filter

        public init(level: Int, strategy: Strategy = .default, filter: Filter = .adaptive) {
            precondition((0...9).contains(level), "the zlib level is 0 to 9, not \(level)")
            self.level = level
            self.strategy = strategy
            self.filter = filter
        }

        /// Tuned for throughput: chosen by measurement (see benchmarks/README.md) as the fastest
        /// setting whose files stay close to OpenCV's default PNG output.
        public static let fast = Compression(level: 1, strategy: .rle, filter: .average)
        /// zlib's default level 6 with libpng's adaptive filters, as most PNG writers do.
        public static let `default` = Compression(level: 6)
        /// zlib level 9 with adaptive filters: smallest files, slowest.
        public static let small = Compression(level: 9)

        /// An explicit zlib level with libpng's default filtering.
        public static func level(_ level: Int) -> Compression { Compression(level: level) }
    }

    /// Encodes an image (1-4 channels, 8 bits) as a non-interlaced PNG.
    ///
    /// - Complexity: O(pixels).
    /// - Throws: `PNGError.encodingFailed` for sizes PNG cannot hold (zero or above 2^31 - 1).
    public static func encode(_ image: Image, compression: Compression = .fast) throws(PNGError) -> [UInt8] {
        guard image.width > 0, image.height > 0,
              image.width <= Int(Int32.max), image.height <= Int(Int32.max) else {
            throw .encodingFailed(reason: "a PNG cannot be \(image.width)x\(image.height)")
        }
        var output = aug_png_buffer()
        var message = [CChar](repeating: 0, count: Int(AUG_PNG_MESSAGE_CAPACITY))
        let settings = aug_png_compression(level: Int32(compression.level),
                                           strategy: compression.strategy.rawValue,
                                           filters: compression.filter.rawValue)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            message.withUnsafeMutableBufferPointer { message in
                aug_png_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), image.rowStride,
                               Int32(image.channels), settings, &output, message.baseAddress, message.count)
            }
        }
        if status != 0 {
            let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .encodingFailed(reason: reason)
        }
        defer { aug_png_buffer_free(&output) }
        return [UInt8](UnsafeBufferPointer(start: output.bytes, count: output.count))
    }
}

extension PNG.Compression {
    /// The names users give: `fast`, `default`, `small`, or a zlib level `0`-`9`.
    public init?(named name: String) {
        switch name.lowercased() {
        case "fast": self = .fast
        case "default": self = .default
        case "small": self = .small
        default:
            guard let level = Int(name), (0...9).contains(level) else { return nil }
            self = .level(level)
        }
    }
}

extension PNG.Compression: CustomStringConvertible {
    /// The name `init(named:)` takes, or the settings spelled out.
    public var description: String {
        switch self {
        case .fast: "fast"
        case .default: "default"
        case .small: "small"
        case .level(level): "\(level)"
        default: "zlib level \(level), \(strategy) strategy, \(filter) filter"
        }
    }
}
