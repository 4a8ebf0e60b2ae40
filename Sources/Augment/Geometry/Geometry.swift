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
        for pass in try passes(ops, from: Size(width: image.width, height: image.height)) {
            switch pass {
            case .area(let size): image = resizeByArea(image, to: size)
            case .resample(let pass): image = try pass.run(on: image)
            }
        }
        return image
    }

    /// How many leading rows of a source of size `size` applying `ops` can read: rows from
    /// this one down never affect the result, so a decoder may leave them undecoded (zero).
    /// A bound, not an exact count: up to two rows more than the first pass's taps, for the
    /// rounding of its fixed-point positions; the whole height when the first pass is an area
    /// resize (which averages every row) or the operations do not fit the size.
    ///
    /// - Complexity: O(`ops.count`).
    public static func sourceRowsRead(by ops: [GeometricOp], from size: Size) -> Int {
        guard let first = try? passes(ops, from: size).first else { return size.height }
        guard case .resample(let pass) = first else { return size.height }
        return pass.sourceRowsRead(sourceHeight: size.height)
    }

    /// One pass over an image: a fused resampling, or an area resize (which averages
    /// footprints rather than sampling points, so fuses with nothing).
    enum Pass {
        case resample(ResamplingPass)
        case area(Size)
    }

    /// The passes `apply(_:to:)` makes for `ops` on a source of size `size`: the fusion rule
    /// above, in one place.
    static func passes(_ ops: [GeometricOp], from size: Size) throws(GeometryError) -> [Pass] {
        var passes: [Pass] = []
        var pass: ResamplingPass?
        var size = size
        for op in ops {
            let outputSize = try op.outputSize(from: size)
            if case .resize(_, _, .area) = op {
                if let pending = pass { passes.append(.resample(pending)); pass = nil }
                passes.append(.area(outputSize))
                size = outputSize
                continue
            }
            if let pending = pass, !pending.accepts(op) {
                passes.append(.resample(pending))
                pass = nil
            }
            var current = pass ?? ResamplingPass(size: size)
            current.append(op, from: size, to: outputSize)
            pass = current
            size = outputSize
        }
        if let pass { passes.append(.resample(pass)) }
        return passes
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

    /// A bound on the leading source rows this pass reads (see `Geometry.sourceRowsRead`):
    /// below the lowest point the output's corners map to (the map is affine, so the corners
    /// bound every output pixel), bilinear and nearest sampling read at most the next row down;
    /// one more row covers the kernels' rounding of positions to fixed point.
    func sourceRowsRead(sourceHeight: Int) -> Int {
        let corners = [(0.0, 0.0), (Double(size.width - 1), 0), (0, Double(size.height - 1)),
                       (Double(size.width - 1), Double(size.height - 1))]
        let lowest = corners.map { map.source(x: $0.0, y: $0.1).y }.max()!
        guard lowest.isFinite, lowest < Double(sourceHeight) else { return sourceHeight }
        // Above the image, a clamped border still reads row 0.
        return min(sourceHeight, Int(max(-1, lowest.rounded(.down))) + 3)
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
