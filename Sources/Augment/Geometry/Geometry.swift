/// Geometric kernels: pure functions of an image and explicit parameters.
public enum Geometry {}

extension Geometry {
    /// Applies `ops` in order, fusing consecutive operations into as few resampling passes as
    /// their semantics allow.
    ///
    /// The fusion rule: each operation is an affine map from its output pixels back to its
    /// input pixels (`GeometricOp.inverseMap`), so a run of operations composes into one map and
    /// the image is resampled once, straight from the source: one pass over memory and one
    /// interpolation instead of several. A run is cut (and a new pass begun) only where fusing
    /// would change what a user asked for:
    /// - an `area` resize, which averages footprints rather than sampling points, is a pass of
    ///   its own;
    /// - two operations that interpolate differently (nearest and bilinear) are not fused;
    /// - two operations that fill with different constants are not fused.
    /// A pass whose map sends pixel centres to pixel centres (flips, crops, quarter turns,
    /// transposes, in any combination) is an exact copy with no interpolation.
    /// Where the pass contains a rotation or zoom, samples outside the source take that
    /// operation's fill; otherwise (resizes and crops) the source's edge pixels are repeated,
    /// as OpenCV's `resize` does. Because the source is sampled directly, content that an
    /// intermediate image would have cut off is not lost: rotating by a then by b is rotating
    /// by a + b.
    ///
    /// - Complexity: O(output pixels) per pass, plus O(input pixels) for an area resize.
    /// - Throws: `GeometryError` for an operation that does not fit the image it meets
    ///   (a crop outside it, a zero size), or a fill with a channel count other than 1 or the
    ///   image's.
    public static func apply(_ ops: [GeometricOp], to image: Image) throws(GeometryError) -> Image {
        var image = image
        var pass: ResamplingPass?
        var size = Size(width: image.width, height: image.height)
        for op in ops {
            let outputSize = try op.outputSize(from: size)
            if case .resize(_, _, .area) = op {
                if let pending = pass { image = try pending.run(on: image); pass = nil }
                image = resizeByArea(image, to: outputSize)
                size = outputSize
                continue
            }
            if let pending = pass, !pending.accepts(op) {
                image = try pending.run(on: image)
                pass = nil
            }
            var current = pass ?? ResamplingPass(size: size)
            current.append(op, from: size, to: outputSize)
            pass = current
            size = outputSize
        }
        if let pass { image = try pass.run(on: image) }
        return image
    }
}

/// How samples outside the source are read.
enum Border: Equatable {
    /// The source's nearest edge pixel.
    case clamp
    /// A constant.
    case constant(Fill)
}

/// A run of fused operations: one map from output to source, and how to sample.
struct ResamplingPass {
    var map = AffineMap.identity
    var size: Size
    var interpolation: Interpolation?
    var fill: Fill?

    init(size: Size) { self.size = size }

    func accepts(_ op: GeometricOp) -> Bool {
        if let wanted = op.interpolation, let interpolation, wanted != interpolation { return false }
        if let wanted = op.fill, let fill, wanted != fill { return false }
        return true
    }

    mutating func append(_ op: GeometricOp, from input: Size, to output: Size) {
        map = map.then(op.inverseMap(from: input))
        size = output
        interpolation = interpolation ?? op.interpolation
        fill = fill ?? op.fill
    }

    func run(on image: Image) throws(GeometryError) -> Image {
        let border: Border = fill.map { .constant($0) } ?? .clamp
        if case .constant(let fill) = border, fill.values.count != 1, fill.values.count != image.channels {
            throw .invalidParameter("the fill has \(fill.values.count) values but the image has \(image.channels) channels")
        }
        guard [map.xx, map.xy, map.x0, map.yx, map.yy, map.y0].allSatisfy(\.isFinite) else {
            throw .invalidParameter("the operations scale the image beyond what can be sampled")
        }
        if map == .identity && size == Size(width: image.width, height: image.height) { return image }
        if map.isLattice { return Geometry.copyLattice(image, map: map, size: size, fill: fill ?? .zero) }
        if map.isAxisAligned {
            return Geometry.resampleSeparable(image, map: map, size: size,
                                              interpolation: interpolation ?? .bilinear, border: border)
        }
        return Geometry.resampleAffine(image, map: map, size: size,
                                       interpolation: interpolation ?? .bilinear, border: border)
    }
}

extension GeometricOp {
    /// The interpolation this operation asks for, if it interpolates at all.
    var interpolation: Interpolation? {
        switch self {
        case .rotate(_, let interpolation, _), .zoom(_, let interpolation, _), .resize(_, _, let interpolation):
            interpolation == .area ? .bilinear : interpolation
        default:
            nil
        }
    }

    /// The constant this operation fills with, if it can uncover area outside the source.
    var fill: Fill? {
        switch self {
        case .rotate(_, _, let fill), .zoom(_, _, let fill): fill
        default: nil
        }
    }
}
