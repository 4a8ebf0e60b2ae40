import CPNGShim

/// PNG decoding and encoding through libpng.
public enum PNG {}

extension PNG {
    /// How to decode.
    public struct DecodingOptions: Sendable, Equatable {
        /// Images with more pixels than this are refused from their header alone, before any
        /// pixel memory is allocated: a guard against decompression bombs.
        public var maxPixels: Int
        /// Convert to this many channels (1, 3 or 4) after decoding; `nil` keeps the file's own.
        public var channels: Int?

        /// The default limit, 100 megapixels.
        public static let defaultMaxPixels = 100_000_000

        public init(maxPixels: Int = DecodingOptions.defaultMaxPixels, channels: Int? = nil) {
            precondition(maxPixels > 0, "the pixel limit must be positive")
            precondition(channels.map { [1, 3, 4].contains($0) } ?? true, "channels must be 1, 3 or 4")
            self.maxPixels = maxPixels
            self.channels = channels
        }
    }

    /// Decodes a whole PNG held in memory to 8 bits per channel.
    ///
    /// The result keeps the file's natural channel count (grey 1, grey+alpha 2, RGB 3, RGBA 4;
    /// palette becomes RGB, or RGBA with tRNS; tRNS on grey or RGB adds alpha) unless
    /// `options.channels` asks for another. 16-bit samples are scaled to 8 bits with rounding,
    /// low bit depths expanded to 0-255, and no gamma or colour-profile correction is applied:
    /// the values are those stored, as OpenCV and Pillow read them.
    ///
    /// - Complexity: O(size of the file + pixels).
    /// - Throws: `PNGError`, never traps on malformed input.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions = .init()) throws(PNGError) -> Image {
        try decode(bytes, options: options, checksAdler32: true, leadingRows: { $0.height })
    }

    /// Decodes only the first `leadingRows(header)` rows of a PNG held in memory (all of them
    /// when the file is interlaced), the rows below left zero: for a caller that knows, once it
    /// has the size, which rows it will read (`[DrawnTransform].sourceRowsRead(from:)`). The
    /// inflating stops there, which is most of a decode's time. Otherwise as `decode(_:options:)`,
    /// and the rest of the file is still checked without decoding it: it must be whole, up to
    /// IEND, with the right CRCs and no chunk libpng would refuse there. Not checked: whether
    /// the compressed data below the rows read is whole and holds every row (a deflate stream
    /// damaged or cut short there, behind right CRCs), and the stream's Adler-32 (not even
    /// computed: a decode that stops early never reaches it). Behind right CRCs these are an
    /// encoder's fault, not a transfer's.
    ///
    /// - Complexity: O(size of the file + pixels), with the inflating O(rows decoded).
    /// - Throws: `PNGError`, never traps on malformed input.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions,
                              leadingRows: (PNGHeader) -> Int) throws(PNGError) -> Image {
        try decode(bytes, options: options, checksAdler32: false, leadingRows: leadingRows)
    }

    private static func decode(_ bytes: [UInt8], options: DecodingOptions, checksAdler32: Bool,
                               leadingRows: (PNGHeader) -> Int) throws(PNGError) -> Image {
        let image = try bytes.withUnsafeBufferPointer { buffer throws(PNGError) in
            try withReader(buffer) { reader throws(PNGError) in
                if !checksAdler32 { aug_png_reader_skip_adler32(reader) }
                let header = try readHeader(reader, maxPixels: options.maxPixels)
                let rowStride = header.width * header.decodedChannels
                let rows = UInt32(clamping: max(0, leadingRows(header)))
                var failure: PNGError?
                let pixels = [UInt8](unsafeUninitializedCapacity: rowStride * header.height) { output, count in
                    // Zeroed first so that no byte is ever uninitialised, whatever libpng does.
                    output.initialize(repeating: 0)
                    count = output.count
                    if aug_png_read_leading_rows(reader, output.baseAddress, rowStride, rows) != 0 {
                        failure = .invalid(reason: String(cString: aug_png_reader_message(reader)))
                    }
                }
                if let failure { throw failure }
                return Image(width: header.width, height: header.height,
                             channels: header.decodedChannels, pixels: pixels)
            }
        }
        if let channels = options.channels { return image.converted(toChannels: channels) }
        return image
    }

    /// Reads only the header: sizes, colour type, bit depth, interlacing, decoded channels.
    ///
    /// - Complexity: O(bytes before the first IDAT chunk).
    public static func header(of bytes: [UInt8], maxPixels: Int = .max) throws(PNGError) -> PNGHeader {
        try bytes.withUnsafeBufferPointer { buffer throws(PNGError) in
            try withReader(buffer) { reader throws(PNGError) in try readHeader(reader, maxPixels: maxPixels) }
        }
    }

    private static func withReader<Result>(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ body: (OpaquePointer) throws(PNGError) -> Result
    ) throws(PNGError) -> Result {
        if buffer.isEmpty { throw .empty }
        guard let reader = aug_png_reader_create(buffer.baseAddress, buffer.count) else { throw .outOfMemory }
        defer { aug_png_reader_destroy(reader) }
        return try body(reader)
    }

    private static func readHeader(_ reader: OpaquePointer, maxPixels: Int) throws(PNGError) -> PNGHeader {
        var raw = aug_png_header()
        let status = aug_png_read_header(reader, UInt64(maxPixels), &raw)
        if status == AUG_PNG_TOO_MANY_PIXELS {
            throw .tooManyPixels(width: Int(raw.width), height: Int(raw.height), limit: maxPixels)
        }
        if status != 0 {
            throw .invalid(reason: String(cString: aug_png_reader_message(reader)))
        }
        guard let colorType = PNGHeader.ColorType(rawValue: Int(raw.color_type)) else {
            throw .invalid(reason: "Invalid IHDR data")  // libpng refuses these first; kept for totality
        }
        return PNGHeader(width: Int(raw.width), height: Int(raw.height), bitDepth: Int(raw.bit_depth),
                         colorType: colorType, interlaced: raw.interlaced != 0,
                         hasTransparency: raw.has_transparency != 0,
                         decodedChannels: Int(raw.channels))
    }

    /// The version of the libpng this program runs with.
    public static var libpngVersion: String { String(cString: aug_png_libpng_version()) }
}
