/// What one transform drew for one image: that it was skipped, or every parameter as a concrete
/// value. A manifest line stores one per transform, and replaying it rebuilds the same
/// `GeometricOp`s (`operations`) without drawing anything.
public indirect enum DrawnTransform: Sendable, Hashable {
    /// The transform's coin toss (`p`) said no.
    case skipped
    case hflip
    case vflip
    case transpose
    case rotate90(quarterTurns: Int)
    case rotate(degrees: Double, interpolation: Interpolation, fill: Fill)
    case zoom(scale: Double, interpolation: Interpolation, fill: Fill)
    case crop(x: Int, y: Int, width: Int, height: Int)
    case centerCrop(width: Int, height: Int)
    case resize(width: Int, height: Int, interpolation: Interpolation)
    /// The region `random_crop` chose.
    case randomCrop(x: Int, y: Int, width: Int, height: Int)
    /// The region `random_resized_crop` chose, and the size it was resized to.
    case randomResizedCrop(x: Int, y: Int, cropWidth: Int, cropHeight: Int,
                           width: Int, height: Int, interpolation: Interpolation)
    /// `one_of` chose its child at index `chosen`, which drew `transform` (never `.skipped`).
    case oneOf(chosen: Int, transform: DrawnTransform)
    /// The shift in levels `pca_lighting` drew for each of the first `shift.count` channels.
    case pcaLighting(shift: [Double])
    /// `normalize`'s values (nothing is drawn; see `Transform.Normalization`).
    case normalize(mean: [Double], std: [Double], maxPixelValue: Double)

    /// The operation name, as in pipeline files, or `"skipped"`.
    public var name: String {
        switch self {
        case .skipped: "skipped"
        case .hflip: "hflip"
        case .vflip: "vflip"
        case .transpose: "transpose"
        case .rotate90: "rotate90"
        case .rotate: "rotate"
        case .zoom: "zoom"
        case .crop: "crop"
        case .centerCrop: "center_crop"
        case .resize: "resize"
        case .randomCrop: "random_crop"
        case .randomResizedCrop: "random_resized_crop"
        case .oneOf: "one_of"
        case .pcaLighting: "pca_lighting"
        case .normalize: "normalize"
        }
    }

    /// The geometric operations this record stands for, in order (none when skipped, and
    /// none for the pixel-value transforms, which keep the size; `apply(to:)` applies both).
    ///
    /// - Complexity: O(nesting depth).
    public var operations: [GeometricOp] {
        switch self {
        case .skipped: []
        case .hflip: [.hflip]
        case .vflip: [.vflip]
        case .transpose: [.transpose]
        case .rotate90(let quarterTurns): [.rotate90(quarterTurns: quarterTurns)]
        case .rotate(let degrees, let interpolation, let fill):
            [.rotate(degrees: degrees, interpolation: interpolation, fill: fill)]
        case .zoom(let scale, let interpolation, let fill):
            [.zoom(scale: scale, interpolation: interpolation, fill: fill)]
        case .crop(let x, let y, let width, let height), .randomCrop(let x, let y, let width, let height):
            [.crop(x: x, y: y, width: width, height: height)]
        case .centerCrop(let width, let height): [.centerCrop(width: width, height: height)]
        case .resize(let width, let height, let interpolation):
            [.resize(width: width, height: height, interpolation: interpolation)]
        case .randomResizedCrop(let x, let y, let cropWidth, let cropHeight, let width, let height, let interpolation):
            [.crop(x: x, y: y, width: cropWidth, height: cropHeight),
             .resize(width: width, height: height, interpolation: interpolation)]
        case .oneOf(_, let transform): transform.operations
        case .pcaLighting, .normalize: []
        }
    }
}

extension [DrawnTransform] {
    /// The geometric operations of every record, in order: what `Geometry.apply(_:to:)` takes,
    /// and all there is to apply when no record changes pixel values (else see `apply(to:)`).
    /// Their output sizes are the pipeline's.
    public var operations: [GeometricOp] { flatMap(\.operations) }
}
