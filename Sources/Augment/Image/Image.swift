/// An 8-bit image with 1 to 4 interleaved channels, stored row by row with no padding.
///
/// Channel counts follow the PNG colour types: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
/// The pixel at column `x`, row `y`, channel `c` is `pixels[(y * width + x) * channels + c]`.
/// `Image` is a value type: copies share storage until one of them is mutated.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    /// Wraps existing pixels. `pixels.count` must be `width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "image sizes must not be negative")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels, not \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(pixels.count) bytes do not make a \(width)x\(height)x\(channels) image")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image with every byte set to `value`.
    public init(width: Int, height: Int, channels: Int, repeating value: UInt8 = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: value, count: width * height * channels))
    }

    /// Bytes from the start of one row to the start of the next.
    @inlinable public var rowStride: Int { width * channels }

    /// The channel values of the pixel at (`x`, `y`); for tests and small tools, not hot loops.
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return pixels[start..<start + channels]
    }
}

extension Image: CustomStringConvertible {
    public var description: String { "\(width)x\(height)x\(channels) image" }
}
