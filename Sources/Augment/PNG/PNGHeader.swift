/// What a PNG's IHDR (and tRNS) says about the stored image, and what decoding delivers.
public struct PNGHeader: Sendable, Equatable {
    /// The colour types of the PNG standard.
    public enum ColorType: Int, Sendable {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6
    }

    public var width: Int
    public var height: Int
    /// Bits per sample as stored (1, 2, 4, 8 or 16; a palette index for `.palette`).
    public var bitDepth: Int
    public var colorType: ColorType
    public var interlaced: Bool
    /// A tRNS chunk is present; decoding turns it into an alpha channel.
    public var hasTransparency: Bool
    /// Channels of the decoded 8-bit image: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    public var decodedChannels: Int
}

extension PNGHeader.ColorType: CustomStringConvertible {
    public var description: String {
        switch self {
        case .grey: "grey"
        case .rgb: "RGB"
        case .palette: "palette"
        case .greyAlpha: "grey+alpha"
        case .rgba: "RGBA"
        }
    }
}
