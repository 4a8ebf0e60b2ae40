import CPNGShim

extension PNG {
    /// How hard to compress. Every setting is lossless; they trade time for file size.
    ///
    /// `.fast` is written by the built-in encoder (`PNG.FastEncoder`); every other setting by
    /// libpng and zlib, configured by `level`, `strategy` and `filter`.
    public struct Compression: Sendable, Equatable, Hashable {
        /// Which encoder writes the file.
        public enum Encoder: UInt8, Sendable, CaseIterable {
            /// libpng with zlib, as `level`, `strategy` and `filter` say.
            case libpng = 0
            /// The encoder written here for `.fast`: per-row filters, Huffman codes per block and
            /// runs of zero bytes (see `PNG.FastEncoder`); `level`, `strategy` and `filter` only
            /// describe it (zlib level 1 with the RLE strategy and adaptive filters is the nearest
            /// libpng setting) and do not change its output.
            case builtIn = 1
        }

        /// zlib's strategies (the values of `Z_DEFAULT_STRATEGY` ... `Z_FIXED`).
        public enum Strategy: Int32, Sendable, CaseIterable {
            case `default` = 0, filtered = 1, huffmanOnly = 2, rle = 3, fixed = 4
        }

        /// libpng's row filters; `.adaptive` lets libpng choose one per row.
        public enum Filter: Int32, Sendable, CaseIterable {
            case none = 0x08, sub = 0x10, up = 0x20, average = 0x40, paeth = 0x80, adaptive = 0xF8
        }

        public let encoder: Encoder
        /// zlib level, 0 (store) to 9 (smallest).
        public var level: Int
        public var strategy: Strategy
        public var filter: Filter

        /// libpng and zlib with these settings.
        public init(level: Int, strategy: Strategy = .default, filter: Filter = .adaptive) {
            self.init(encoder: .libpng, level: level, strategy: strategy, filter: filter)
        }

        private init(encoder: Encoder, level: Int, strategy: Strategy, filter: Filter) {
            precondition((0...9).contains(level), "the zlib level is 0 to 9, not \(level)")
            self.encoder = encoder
            self.level = level
            self.strategy = strategy
            self.filter = filter
        }

        /// Tuned for throughput: the built-in encoder, several times faster than libpng and zlib
        /// at their fastest, with files about as small as OpenCV's default PNG output (measured
        /// in benchmarks/README.md).
        public static let fast = Compression(encoder: .builtIn, level: 1, strategy: .rle, filter: .adaptive)
        /// zlib's default level 6 with libpng's adaptive filters, as most PNG writers do.
        public static let `default` = Compression(level: 6)
        /// zlib level 9 with adaptive filters: smallest files, slowest.
        public static let small = Compression(level: 9)

        /// An explicit zlib level with libpng's default filtering.
        public static func level(_ level: Int) -> Compression { Compression(level: level) }
    }

    /// Encodes an image (1-4 channels, 8 bits) as a non-interlaced PNG: with the built-in encoder
    /// for `.fast`, else with libpng.
    ///
    /// - Complexity: O(pixels).
    /// - Throws: `PNGError.encodingFailed` for sizes PNG cannot hold (zero or above 2^31 - 1).
    public static func encode(_ image: Image, compression: Compression = .fast) throws(PNGError) -> [UInt8] {
        guard image.width > 0, image.height > 0,
              image.width <= Int(Int32.max), image.height <= Int(Int32.max) else {
            throw .encodingFailed(reason: "a PNG cannot be \(image.width)x\(image.height)")
        }
        if compression.encoder == .builtIn { return FastEncoder.encode(image) }
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
        default: encoder == .builtIn ? "fast" : "zlib level \(level), \(strategy) strategy, \(filter) filter"
        }
    }
}
