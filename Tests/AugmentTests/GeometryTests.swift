import Foundation
import Testing
@testable import Augment

/// Exact kernels against their definitions, resampling kernels against hand-computed pixels,
/// and invariants of both.
@Suite("Geometric kernels")
struct GeometryTests {
    /// A w×h image whose every byte differs from its neighbours' (so that any misplaced pixel shows).
    static func numbered(_ width: Int, _ height: Int, channels: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<width * height * channels).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
    }

    /// Builds an image from a function of (x, y, channel): the independent definition.
    static func defined(_ width: Int, _ height: Int, channels: Int, _ value: (Int, Int, Int) -> UInt8) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { pixels.append(value(x, y, c)) } } }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func at(_ image: Image, _ x: Int, _ y: Int, _ channel: Int = 0) -> UInt8 {
        image.pixels[(y * image.width + x) * image.channels + channel]
    }

    static let shapes = [(1, 1), (1, 5), (5, 1), (4, 3), (7, 6), (33, 17)]

    @Test("flips, quarter turns and transpose match their definitions", arguments: 1...4)
    func exactKernels(channels: Int) {
        for (w, h) in Self.shapes {
            let image = Self.numbered(w, h, channels: channels)
            #expect(Geometry.hflip(image) == Self.defined(w, h, channels: channels) { x, y, c in Self.at(image, w - 1 - x, y, c) })
            #expect(Geometry.vflip(image) == Self.defined(w, h, channels: channels) { x, y, c in Self.at(image, x, h - 1 - y, c) })
            #expect(Geometry.transpose(image) == Self.defined(h, w, channels: channels) { x, y, c in Self.at(image, y, x, c) })
            // numpy's rot90(k=1): counter-clockwise, the top-right corner comes to the top-left.
            #expect(Geometry.rotate90(image, quarterTurns: 1) == Self.defined(h, w, channels: channels) { x, y, c in Self.at(image, w - 1 - y, x, c) })
            #expect(Geometry.rotate90(image, quarterTurns: 2) == Self.defined(w, h, channels: channels) { x, y, c in Self.at(image, w - 1 - x, h - 1 - y, c) })
            #expect(Geometry.rotate90(image, quarterTurns: 3) == Self.defined(h, w, channels: channels) { x, y, c in Self.at(image, y, h - 1 - x, c) })
            #expect(Geometry.rotate90(image, quarterTurns: -1) == Geometry.rotate90(image, quarterTurns: 3))
        }
    }

    @Test("flip twice, four quarter turns and transposing twice are the identity")
    func involutions() throws {
        let image = Self.numbered(7, 5, channels: 3)
        #expect(Geometry.hflip(Geometry.hflip(image)) == image)
        #expect(Geometry.vflip(Geometry.vflip(image)) == image)
        #expect(Geometry.transpose(Geometry.transpose(image)) == image)
        var turned = image
        for _ in 0..<4 { turned = Geometry.rotate90(turned, quarterTurns: 1) }
        #expect(turned == image)
        // Fused in one pass, the same chains are exact copies too.
        #expect(try Geometry.apply([.hflip, .vflip, .hflip, .vflip], to: image) == image)
        #expect(try Geometry.apply([.rotate90(quarterTurns: 1), .transpose], to: image) == Geometry.hflip(image))
    }

    @Test("crop and centre crop copy exactly; a region outside the image is refused with the sizes")
    func crops() throws {
        let image = Self.numbered(9, 7, channels: 2)
        let cropped = try Geometry.crop(image, x: 2, y: 3, width: 5, height: 4)
        #expect(cropped == Self.defined(5, 4, channels: 2) { x, y, c in Self.at(image, x + 2, y + 3, c) })
        // (9 - 4) / 2 = 2 and (7 - 3) / 2 = 2, rounded down as torchvision does.
        #expect(try Geometry.centerCrop(image, width: 4, height: 3) == Geometry.crop(image, x: 2, y: 2, width: 4, height: 3))
        #expect(throws: GeometryError.regionOutsideImage(x: 6, y: 0, width: 4, height: 2, image: Size(width: 9, height: 7))) {
            try Geometry.crop(image, x: 6, y: 0, width: 4, height: 2)
        }
        let message = "\(GeometryError.regionOutsideImage(x: 6, y: 0, width: 4, height: 2, image: Size(width: 9, height: 7)))"
        #expect(message == "the crop 4x2 at (6, 0) does not fit inside the 9x7 image")
        #expect(throws: GeometryError.self) { try Geometry.centerCrop(image, width: 10, height: 2) }
    }

    @Test("rotating a 3x3 image by ±90 and 180 degrees with bilinear equals the exact quarter turns")
    func rotateByRightAngles() throws {
        let image = Self.numbered(3, 3, channels: 1)
        #expect(try Geometry.rotate(image, degrees: 90) == Geometry.rotate90(image, quarterTurns: 1))
        #expect(try Geometry.rotate(image, degrees: -90) == Geometry.rotate90(image, quarterTurns: 3))
        #expect(try Geometry.rotate(image, degrees: 180) == Geometry.rotate90(image, quarterTurns: 2))
        #expect(try Geometry.rotate(image, degrees: 450) == Geometry.rotate90(image, quarterTurns: 1))
    }

    @Test("rotate 0 and zoom 1 are the identity")
    func identities() throws {
        let image = Self.numbered(11, 8, channels: 3)
        #expect(try Geometry.rotate(image, degrees: 0) == image)
        #expect(try Geometry.zoom(image, scale: 1) == image)
        #expect(try Geometry.resize(image, width: 11, height: 8) == image)
    }

    @Test("a 45-degree rotation, computed by hand at two pixels")
    func rotateByHand() throws {
        // 4x4, centre (1.5, 1.5). Output (0, 0) reads the source at
        //   x = 1.5 + cos45·(0 - 1.5) - sin45·(0 - 1.5) = 1.5,
        //   y = 1.5 + sin45·(0 - 1.5) + cos45·(0 - 1.5) = 1.5 - 1.5·√2 ≈ -0.6213,
        // between row -1 (outside: the fill) and row 0, halfway between columns 1 and 2.
        let image = Self.defined(4, 4, channels: 1) { x, y, _ in UInt8(10 * x + 40 * y + 20) }
        let fill: UInt8 = 200
        let rotated = try Geometry.rotate(image, degrees: 45, fill: Fill(fill))
        let weightY = -0.6213203435596424 - (-1.0)
        let rowZero = (30.0 + 40.0) / 2  // the mean of pixels (1, 0) and (2, 0)
        let expected = (1 - weightY) * Double(fill) + weightY * rowZero
        #expect(abs(Double(Self.at(rotated, 0, 0)) - expected) <= 0.5 + 1e-3)
        // Output (1, 1) reads x = 1.5, y = 1.5 - 0.5·√2 ≈ 0.7929: rows 0 and 1, columns 1 and 2.
        let y = 1.5 - 0.5 * 2.0.squareRoot()
        let expectedCentre = (1 - y) * 35 + y * 75
        #expect(abs(Double(Self.at(rotated, 1, 1)) - expectedCentre) <= 0.5 + 1e-3)
    }

    @Test("zoom by hand: 2x on a 3x3 image reads the source at half-steps from the centre")
    func zoomByHand() throws {
        let image = Self.defined(3, 3, channels: 1) { x, y, _ in UInt8(10 * x + 100 * y) }
        let zoomed = try Geometry.zoom(image, scale: 2)
        // Output (0, 0) reads (1 + (0 - 1)/2, same) = (0.5, 0.5): the mean of the top-left four.
        #expect(Self.at(zoomed, 0, 0) == UInt8((0 + 10 + 100 + 110) / 4))
        #expect(Self.at(zoomed, 1, 1) == Self.at(image, 1, 1))
        // Zoom 0.5: output (0, 0) reads (1 - 2, 1 - 2) = (-1, -1), outside: the fill.
        let shrunk = try Geometry.zoom(image, scale: 0.5, fill: Fill(9))
        #expect(Self.at(shrunk, 0, 0) == 9)
        #expect(Self.at(shrunk, 1, 1) == Self.at(image, 1, 1))
    }

    @Test("resize by hand: half-pixel centres, edges repeated, area means")
    func resizeByHand() throws {
        let row = Image(width: 2, height: 1, channels: 1, pixels: [0, 200])
        // Output x reads (x + 0.5)·0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25; outside repeats the edge.
        #expect(try Geometry.resize(row, width: 4, height: 1).pixels == [0, 50, 150, 200])
        #expect(try Geometry.resize(row, width: 4, height: 1, interpolation: .nearest).pixels == [0, 0, 200, 200])

        let square = Self.defined(4, 4, channels: 1) { x, y, _ in UInt8(16 * (4 * y + x)) }
        // 4 → 2 reads (x + 0.5)·2 - 0.5 = 0.5 and 2.5: the mean of each 2x2 block, as area does.
        let blockMeans: [UInt8] = [40, 72, 168, 200]
        #expect(try Geometry.resize(square, width: 2, height: 2).pixels == blockMeans)
        #expect(try Geometry.resize(square, width: 2, height: 2, interpolation: .area).pixels == blockMeans)

        // Area 3 → 2: output 0 covers [0, 1.5): pixel 0 whole and half of pixel 1.
        let three = Image(width: 3, height: 1, channels: 1, pixels: [30, 60, 90])
        #expect(try Geometry.resize(three, width: 2, height: 1, interpolation: .area).pixels == [40, 80])
    }

    @Test("area shrinking does not alias a one-pixel stripe pattern; bilinear does")
    func areaAntialiases() throws {
        let stripes = Self.defined(64, 8, channels: 1) { x, _, _ in x % 2 == 0 ? 0 : 255 }
        // 64 → 10: each output pixel averages 6.4 stripes, so the means stay near mid-grey.
        let area = try Geometry.resize(stripes, width: 10, height: 1, interpolation: .area)
        #expect(area.pixels.allSatisfy { abs(Int($0) - 128) <= 20 }, "the mean of the stripes is near mid-grey")
        // Bilinear reads two stripes at (x + 0.5)·6.4 - 0.5 = 2.7, 9.1, 15.5, ...: the fractions
        // wander, and so does the grey (aliasing).
        let bilinear = try Geometry.resize(stripes, width: 10, height: 1)
        #expect(bilinear.pixels.contains { abs(Int($0) - 128) > 60 }, "bilinear picks single stripes")
    }

    @Test("rotating by a then by b equals rotating by a + b, within one level")
    func rotationsCompose() throws {
        // A linear ramp: bilinear interpolation reproduces it exactly, so one or two passes agree inside.
        let image = Self.defined(40, 30, channels: 3) { x, y, c in UInt8(x * 3 + y * 2 + c * 20) }
        let fused = try Geometry.apply([.rotate(degrees: 20, interpolation: .bilinear, fill: .zero),
                                        .rotate(degrees: 13, interpolation: .bilinear, fill: .zero)], to: image)
        let once = try Geometry.rotate(image, degrees: 33)
        #expect(zip(fused.pixels, once.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        // One after the other, in two passes, the result is softer but agrees away from the edges.
        let twice = try Geometry.rotate(Geometry.rotate(image, degrees: 20), degrees: 13)
        let centre = try Geometry.crop(twice, x: 12, y: 9, width: 16, height: 12)
        let centreOnce = try Geometry.crop(once, x: 12, y: 9, width: 16, height: 12)
        #expect(zip(centre.pixels, centreOnce.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    @Test("a fused chain of exact operations equals the operations one at a time, byte for byte")
    func fusedExactChain() throws {
        let image = Self.numbered(13, 9, channels: 4)
        let ops: [GeometricOp] = [.hflip, .crop(x: 1, y: 2, width: 10, height: 6), .rotate90(quarterTurns: 1),
                                  .transpose, .vflip, .centerCrop(width: 7, height: 5), .rotate(degrees: 180, interpolation: .bilinear, fill: .zero)]
        var stepByStep = image
        for op in ops { stepByStep = try Geometry.apply([op], to: stepByStep) }
        #expect(try Geometry.apply(ops, to: image) == stepByStep)
    }

    @Test("a fused crop and resize equals the crop then the resize, away from the crop's edges")
    func fusedCropResize() throws {
        let image = Self.defined(50, 40, channels: 3) { x, y, c in UInt8((x * 9 + y * 4 + c * 50) % 256) }
        let fused = try Geometry.apply([.crop(x: 7, y: 5, width: 30, height: 20), .resize(width: 45, height: 30, interpolation: .bilinear)], to: image)
        let separate = try Geometry.resize(Geometry.crop(image, x: 7, y: 5, width: 30, height: 20), width: 45, height: 30)
        let inner = { (image: Image) in try Geometry.crop(image, x: 1, y: 1, width: 43, height: 28) }
        #expect(try inner(fused) == inner(separate))
    }

    @Test("a fill with the wrong number of values is refused; one value per channel is used per channel")
    func fills() throws {
        let image = Self.numbered(5, 5, channels: 3)
        #expect(throws: GeometryError.self) { try Geometry.rotate(image, degrees: 10, fill: Fill([1, 2])) }
        let shrunk = try Geometry.zoom(image, scale: 0.2, fill: Fill([10, 20, 30]))
        #expect(Array(shrunk[0, 0]) == [10, 20, 30])
    }

    @Test("nearest rotation copies source values only")
    func nearestCopiesValues() throws {
        let image = Self.numbered(9, 9, channels: 1)
        let rotated = try Geometry.rotate(image, degrees: 30, interpolation: .nearest, fill: Fill(1))
        let allowed = Set(image.pixels).union([1])
        #expect(rotated.pixels.allSatisfy { allowed.contains($0) })
    }

    @Test("extreme parameters are refused, never trap")
    func extremes() throws {
        let image = Self.numbered(4, 4, channels: 1)
        #expect(throws: GeometryError.self) { try Geometry.zoom(image, scale: 0) }
        #expect(throws: GeometryError.self) { try Geometry.zoom(image, scale: .infinity) }
        #expect(throws: GeometryError.self) { try Geometry.rotate(image, degrees: .nan) }
        #expect(throws: GeometryError.self) { try Geometry.resize(image, width: 0, height: 3) }
        #expect(throws: GeometryError.self) { try Geometry.zoom(image, scale: .leastNonzeroMagnitude) }
        // Huge but finite: every sample is outside, so the output is all fill.
        #expect(try Geometry.zoom(image, scale: 1e-200, fill: Fill(5)).pixels.allSatisfy { $0 == 5 })
    }

    /// Bilinear sampling evaluated directly from its definition, in double precision: each output
    /// pixel (x, y) reads the source at `map(x, y)`, four taps, outside taps taking the fill.
    static func referenceBilinear(_ image: Image, width: Int, height: Int, fill: UInt8,
                                  map: (Double, Double) -> (Double, Double)) -> [Double] {
        func tap(_ x: Int, _ y: Int, _ channel: Int) -> Double {
            (0..<image.width).contains(x) && (0..<image.height).contains(y) ? Double(at(image, x, y, channel)) : Double(fill)
        }
        var values: [Double] = []
        for y in 0..<height {
            for x in 0..<width {
                let (sx, sy) = map(Double(x), Double(y))
                let (left, top) = (Int(sx.rounded(.down)), Int(sy.rounded(.down)))
                let (fx, fy) = (sx - Double(left), sy - Double(top))
                for channel in 0..<image.channels {
                    let upper = tap(left, top, channel) * (1 - fx) + tap(left + 1, top, channel) * fx
                    let lower = tap(left, top + 1, channel) * (1 - fx) + tap(left + 1, top + 1, channel) * fx
                    values.append(upper * (1 - fy) + lower * fy)
                }
            }
        }
        return values
    }

    /// Bilinear rotation about ((w-1)/2, (h-1)/2) by the inverse of OpenCV's rotation matrix.
    static func referenceRotation(_ image: Image, degrees: Double, fill: UInt8) -> [Double] {
        let (cx, cy) = (Double(image.width - 1) / 2, Double(image.height - 1) / 2)
        let (cosine, sine) = (cos(degrees * .pi / 180), sin(degrees * .pi / 180))
        return referenceBilinear(image, width: image.width, height: image.height, fill: fill) { x, y in
            (cx + cosine * (x - cx) - sine * (y - cy), cy + sine * (x - cx) + cosine * (y - cy))
        }
    }

    @Test("a zoom-out fused with a vertical shrink (the vertical-first order) matches the formula, fill included",
          arguments: [1, 3, 4])
    func zoomAndShrinkMatchesDefinition(channels: Int) throws {
        let image = Self.defined(41, 60, channels: channels) { x, y, c in UInt8((x * 11 + y * 7 + c * 53) % 256) }
        let result = try Geometry.apply([.zoom(scale: 0.6, interpolation: .bilinear, fill: Fill(200)),
                                         .resize(width: 41, height: 23, interpolation: .bilinear)], to: image)
        // resize: y' = (y + 0.5) · 60/23 - 0.5 (x unchanged); zoom: source = c + (x' - c) / 0.6.
        let (cx, cy) = (20.0, 29.5)
        let expected = Self.referenceBilinear(image, width: 41, height: 23, fill: 200) { x, y in
            let zoomY = (y + 0.5) * 60 / 23 - 0.5
            return (cx + (x - cx) / 0.6, cy + (zoomY - cy) / 0.6)
        }
        let worst = zip(result.pixels, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(result.height == 23)
        #expect(worst <= 1.0, "largest difference \(worst)")
    }

    @Test("a wide rotation (several output strips) matches the bilinear formula evaluated directly",
          arguments: [1, 3, 4])
    func wideRotationMatchesDefinition(channels: Int) throws {
        let image = Self.defined(301, 23, channels: channels) { x, y, c in UInt8((x * 13 + y * 29 + c * 71) % 251) }
        for degrees in [7.3, -4.1] {
            let rotated = try Geometry.rotate(image, degrees: degrees, fill: Fill(17))
            let expected = Self.referenceRotation(image, degrees: degrees, fill: 17)
            let worst = zip(rotated.pixels, expected).map { abs(Double($0) - $1) }.max() ?? 0
            // Float arithmetic and rounding: within one level of the exact value everywhere.
            #expect(worst <= 1.0, "largest difference \(worst) at \(degrees) degrees")
        }
    }
}
