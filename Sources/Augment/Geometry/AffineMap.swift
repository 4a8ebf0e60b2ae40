#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An affine map from output pixel coordinates to source pixel coordinates:
///
///     source.x = xx * x + xy * y + x0
///     source.y = yx * x + yy * y + y0
///
/// Resampling goes backwards, from each output pixel to where it comes from, so every map here
/// is the inverse of the operation it describes, and a chain of operations composes by
/// `then(_:)` in the order the operations are applied.
public struct AffineMap: Sendable, Equatable, Hashable {
    public var xx, xy, x0: Double
    public var yx, yy, y0: Double

    public init(xx: Double, xy: Double, x0: Double, yx: Double, yy: Double, y0: Double) {
        (self.xx, self.xy, self.x0, self.yx, self.yy, self.y0) = (xx, xy, x0, yx, yy, y0)
    }

    public static let identity = AffineMap(xx: 1, xy: 0, x0: 0, yx: 0, yy: 1, y0: 0)

    /// Where the output pixel (`x`, `y`) reads from.
    @inlinable
    public func source(x: Double, y: Double) -> (x: Double, y: Double) {
        (xx * x + xy * y + x0, yx * x + yy * y + y0)
    }

    /// The map of `self` followed by the operation whose map is `next`: an output pixel of
    /// `next` is first taken back through `next`, then through `self`.
    public func then(_ next: AffineMap) -> AffineMap {
        AffineMap(xx: xx * next.xx + xy * next.yx, xy: xx * next.xy + xy * next.yy,
                  x0: xx * next.x0 + xy * next.y0 + x0,
                  yx: yx * next.xx + yy * next.yx, yy: yx * next.xy + yy * next.yy,
                  y0: yx * next.x0 + yy * next.y0 + y0)
    }

    /// True when every output pixel reads exactly one source pixel (or lies outside): the
    /// linear part permutes the axes with signs ±1 and the offsets are whole numbers. Such a map
    /// is an exact copy (flips, crops, quarter turns, transposes and their combinations), with
    /// no interpolation.
    public var isLattice: Bool {
        func isWhole(_ value: Double) -> Bool { abs(value - value.rounded()) < 1e-9 }
        func isUnit(_ value: Double) -> Bool { abs(abs(value) - 1) < 1e-12 }
        func isZero(_ value: Double) -> Bool { abs(value) < 1e-12 }
        let keepsAxes = isUnit(xx) && isUnit(yy) && isZero(xy) && isZero(yx)
        let swapsAxes = isUnit(xy) && isUnit(yx) && isZero(xx) && isZero(yy)
        return (keepsAxes || swapsAxes) && isWhole(x0) && isWhole(y0)
    }

    /// True when x depends only on x and y only on y (scaling, translation, flips): the map
    /// is separable, so per-column and per-row tables replace per-pixel arithmetic.
    public var isAxisAligned: Bool { abs(xy) < 1e-12 && abs(yx) < 1e-12 }
}

extension GeometricOp {
    /// This operation's map from output to source coordinates, for a source of size `input`.
    /// Callers check the operation first with `outputSize(from:)`.
    func inverseMap(from input: Size) -> AffineMap {
        let (width, height) = (Double(input.width), Double(input.height))
        let (centreX, centreY) = ((width - 1) / 2, (height - 1) / 2)
        switch self {
        case .hflip:
            return AffineMap(xx: -1, xy: 0, x0: width - 1, yx: 0, yy: 1, y0: 0)
        case .vflip:
            return AffineMap(xx: 1, xy: 0, x0: 0, yx: 0, yy: -1, y0: height - 1)
        case .transpose:
            return AffineMap(xx: 0, xy: 1, x0: 0, yx: 1, yy: 0, y0: 0)
        case .rotate90(let quarterTurns):
            switch ((quarterTurns % 4) + 4) % 4 {
            case 1: return AffineMap(xx: 0, xy: -1, x0: width - 1, yx: 1, yy: 0, y0: 0)
            case 2: return AffineMap(xx: -1, xy: 0, x0: width - 1, yx: 0, yy: -1, y0: height - 1)
            case 3: return AffineMap(xx: 0, xy: 1, x0: 0, yx: -1, yy: 0, y0: height - 1)
            default: return .identity
            }
        case .rotate(let degrees, _, _):
            // The inverse of OpenCV's getRotationMatrix2D(centre, degrees, 1): a counter-clockwise
            // turn as displayed (y down) is taken back by the opposite turn.
            let radians = degrees * .pi / 180
            let (cosine, sine) = (exactCosine(radians, degrees), exactSine(radians, degrees))
            return AffineMap(xx: cosine, xy: -sine, x0: centreX - cosine * centreX + sine * centreY,
                             yx: sine, yy: cosine, y0: centreY - sine * centreX - cosine * centreY)
        case .zoom(let scale, _, _):
            return AffineMap(xx: 1 / scale, xy: 0, x0: centreX - centreX / scale,
                             yx: 0, yy: 1 / scale, y0: centreY - centreY / scale)
        case .crop(let x, let y, _, _):
            return AffineMap(xx: 1, xy: 0, x0: Double(x), yx: 0, yy: 1, y0: Double(y))
        case .centerCrop(let cropWidth, let cropHeight):
            return AffineMap(xx: 1, xy: 0, x0: Double((input.width - cropWidth) / 2),
                             yx: 0, yy: 1, y0: Double((input.height - cropHeight) / 2))
        case .resize(let outputWidth, let outputHeight, _):
            // Half-pixel centres, as OpenCV's resize: source = (x + 0.5) * scale - 0.5.
            let (scaleX, scaleY) = (width / Double(outputWidth), height / Double(outputHeight))
            return AffineMap(xx: scaleX, xy: 0, x0: 0.5 * scaleX - 0.5, yx: 0, yy: scaleY, y0: 0.5 * scaleY - 0.5)
        }
    }
}

/// cos and sin that are exact at multiples of 90 degrees, so that `rotate(90)` is recognised
/// as a lattice map and copies pixels exactly.
private func exactCosine(_ radians: Double, _ degrees: Double) -> Double {
    quarterTurns(degrees).map { [1.0, 0, -1, 0][$0] } ?? cos(radians)
}

private func exactSine(_ radians: Double, _ degrees: Double) -> Double {
    quarterTurns(degrees).map { [0.0, 1, 0, -1][$0] } ?? sin(radians)
}

/// 0-3 when `degrees` is a whole number of quarter turns, otherwise nil.
private func quarterTurns(_ degrees: Double) -> Int? {
    let turns = (degrees / 90).truncatingRemainder(dividingBy: 4)
    guard turns == turns.rounded() else { return nil }
    return (Int(turns) + 4) % 4
}
