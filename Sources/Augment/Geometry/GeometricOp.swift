/// How a resampling kernel reads between source pixels.
public enum Interpolation: String, Sendable, Equatable, Hashable, CaseIterable {
    /// The nearest source pixel.
    case nearest
    /// Weighted mean of the four surrounding pixels.
    case bilinear
    /// The mean over each output pixel's footprint in the source: antialiased shrinking.
    /// Only `resize` offers it; it behaves as bilinear when enlarging, as OpenCV's INTER_AREA does.
    case area
}

/// The constant that fills output pixels whose source falls outside the image.
public struct Fill: Sendable, Equatable, Hashable {
    /// One value for every channel, or one per channel.
    public var values: [UInt8]

    public init(_ values: [UInt8]) {
        precondition(!values.isEmpty, "a fill needs at least one value")
        self.values = values
    }

    public init(_ value: UInt8) { self.values = [value] }

    public static let zero = Fill(0)

    /// The fill value of channel `channel`.
    public func value(channel: Int) -> UInt8 { values.count == 1 ? values[0] : values[channel] }
}

/// A geometric operation with every parameter fixed: what a transform becomes once its random
/// parameters are drawn. A list of them is applied by `Geometry.apply(_:to:)`, which fuses
/// consecutive operations into one resampling pass.
///
/// Coordinates: pixel centres at integers, the image centre at ((w-1)/2, (h-1)/2), x to the
/// right and y downwards as the image is displayed.
public enum GeometricOp: Sendable, Equatable, Hashable {
    /// Mirror left to right.
    case hflip
    /// Mirror top to bottom.
    case vflip
    /// Rotate by `quarterTurns` × 90 degrees counter-clockwise (any integer; taken modulo 4).
    case rotate90(quarterTurns: Int)
    /// Swap rows and columns: the pixel at (x, y) moves to (y, x).
    case transpose
    /// Rotate about the centre by `degrees`, positive counter-clockwise as displayed; same size.
    case rotate(degrees: Double, interpolation: Interpolation, fill: Fill)
    /// Scale about the centre, same size: above 1 magnifies (edges cut off), below 1 shrinks
    /// (the border filled).
    case zoom(scale: Double, interpolation: Interpolation, fill: Fill)
    /// The `width` × `height` region whose top-left pixel is (`x`, `y`); it must lie inside the image.
    case crop(x: Int, y: Int, width: Int, height: Int)
    /// The centred `width` × `height` region (the top-left at ((w - width) / 2, (h - height) / 2),
    /// rounded down, as albumentations does; torchvision rounds to nearest, halves to even, so
    /// where a margin is 3, 7, 11, ... pixels its crop is one pixel further right or down); it must
    /// fit inside the image.
    case centerCrop(width: Int, height: Int)
    /// Resize to `width` × `height` with half-pixel centres, as OpenCV's `resize`.
    case resize(width: Int, height: Int, interpolation: Interpolation)
}

/// An image size in pixels.
public struct Size: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// Why a geometric operation cannot be applied.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A crop region that does not lie inside the image.
    case regionOutsideImage(x: Int, y: Int, width: Int, height: Int, image: Size)
    /// A size or scale that is zero, negative or not finite.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .regionOutsideImage(let x, let y, let width, let height, let image):
            "the crop \(width)x\(height) at (\(x), \(y)) does not fit inside the \(image) image"
        case .invalidParameter(let what):
            what
        }
    }
}
