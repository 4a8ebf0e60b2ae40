import Testing
@testable import Augment

/// The exact copies (flips, crops, half turns and any lattice map) against their definitions:
/// each output pixel is the source pixel its mirrored or shifted index names, or the fill.
/// Widths around the mirror kernels' steps (8 and 16 pixels, 48 bytes for RGB) reach every
/// vector body and tail, and one-row images the RGB kernel's reads near the buffer's ends.
@Suite("Exact copies against their index definitions")
struct LatticeCopyTests {
    static let widths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 257]
    static let heights = [1, 2, 3, 5]

    static func randomImage(_ width: Int, _ height: Int, channels: Int, _ generator: inout SplitMix64) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<width * height * channels).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
    }

    /// The image whose channel `c` at (`x`, `y`) is `value(x, y, c)`.
    static func defined(_ width: Int, _ height: Int, channels: Int, _ value: (Int, Int, Int) -> UInt8) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { pixels.append(value(x, y, c)) } } }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func at(_ image: Image, _ x: Int, _ y: Int, _ channel: Int) -> UInt8 {
        image.pixels[(y * image.width + x) * image.channels + channel]
    }

    @Test("hflip, vflip and the half turn mirror every index, for widths around the vector steps", arguments: 1...4)
    func flips(channels: Int) {
        var generator = SplitMix64(seed: UInt64(channels))
        for width in Self.widths {
            for height in Self.heights {
                let image = Self.randomImage(width, height, channels: channels, &generator)
                let mirrored = Geometry.hflip(image)
                #expect(mirrored == Self.defined(width, height, channels: channels) { x, y, c in
                    Self.at(image, width - 1 - x, y, c)
                }, "hflip \(width)x\(height)x\(channels)")
                #expect(Geometry.vflip(image) == Self.defined(width, height, channels: channels) { x, y, c in
                    Self.at(image, x, height - 1 - y, c)
                }, "vflip \(width)x\(height)x\(channels)")
                #expect(Geometry.rotate90(image, quarterTurns: 2) == Self.defined(width, height, channels: channels) { x, y, c in
                    Self.at(image, width - 1 - x, height - 1 - y, c)
                }, "half turn \(width)x\(height)x\(channels)")
                #expect(Geometry.hflip(mirrored) == image, "hflip twice \(width)x\(height)x\(channels)")
            }
        }
    }

    @Test("crops of flipped images, full-width crops and a crop's flip read the named pixels", arguments: 1...4)
    func flippedCrops(channels: Int) throws {
        var generator = SplitMix64(seed: 0xC0 + UInt64(channels))
        let (width, height) = (70, 9)
        let image = Self.randomImage(width, height, channels: channels, &generator)
        for (x, y, w, h) in [(0, 0, 70, 9), (0, 2, 70, 5), (3, 1, 49, 7), (1, 0, 17, 9), (50, 4, 20, 5)] {
            let flippedThenCropped = try Geometry.apply([.hflip, .crop(x: x, y: y, width: w, height: h)], to: image)
            #expect(flippedThenCropped == Self.defined(w, h, channels: channels) { column, row, c in
                Self.at(image, width - 1 - (x + column), y + row, c)
            }, "hflip then crop \(x),\(y) \(w)x\(h)")
            let croppedThenFlipped = try Geometry.apply([.crop(x: x, y: y, width: w, height: h), .vflip, .hflip], to: image)
            #expect(croppedThenFlipped == Self.defined(w, h, channels: channels) { column, row, c in
                Self.at(image, x + w - 1 - column, y + h - 1 - row, c)
            }, "crop \(x),\(y) \(w)x\(h) then both flips")
            #expect(try Geometry.crop(image, x: x, y: y, width: w, height: h) == Self.defined(w, h, channels: channels) { column, row, c in
                Self.at(image, x + column, y + row, c)
            }, "crop \(x),\(y) \(w)x\(h)")
        }
    }

    /// A lattice copy by its definition: output (x, y) reads source (xx x + xy y + x0,
    /// yx x + yy y + y0), or takes the fill outside the source.
    static func latticeByDefinition(_ image: Image, map: AffineMap, size: Size, fill: Fill) -> Image {
        let (xx, xy, x0) = (Int(map.xx), Int(map.xy), Int(map.x0))
        let (yx, yy, y0) = (Int(map.yx), Int(map.yy), Int(map.y0))
        return defined(size.width, size.height, channels: image.channels) { x, y, c in
            let (sourceX, sourceY) = (xx * x + xy * y + x0, yx * x + yy * y + y0)
            guard (0..<image.width).contains(sourceX), (0..<image.height).contains(sourceY) else {
                return fill.value(channel: c)
            }
            return at(image, sourceX, sourceY, c)
        }
    }

    @Test("random lattice maps, inside and partly outside the source: each pixel its source pixel or the fill")
    func randomLatticeMaps() {
        var generator = SplitMix64(seed: 0x1A77_1CE5)
        func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
        for index in 0..<1500 {
            let channels = integer(1...4)
            let (width, height) = ([1, 3, 16, 17, 33, 48, 49, 70][integer(0...7)], integer(1...9))
            let image = Self.randomImage(width, height, channels: channels, &generator)
            let signs = (integer(0...1) == 0 ? 1.0 : -1.0, integer(0...1) == 0 ? 1.0 : -1.0)
            let swapsAxes = index % 4 == 3
            let size = Size(width: integer(1...72), height: integer(1...10))
            // Offsets mostly keeping the output inside the source, some reaching outside.
            let outside = index % 3 == 0
            let x0 = Double(outside ? integer(-8...(width + 8)) : (signs.0 > 0 ? 0 : max(width, size.width) - 1))
            let y0 = Double(outside ? integer(-4...(height + 4)) : (signs.1 > 0 ? 0 : max(height, size.height) - 1))
            let map = swapsAxes
                ? AffineMap(xx: 0, xy: signs.0, x0: x0, yx: signs.1, yy: 0, y0: y0)
                : AffineMap(xx: signs.0, xy: 0, x0: x0, yx: 0, yy: signs.1, y0: y0)
            let fill = integer(0...1) == 0 ? Fill(UInt8(truncatingIfNeeded: generator.next()))
                : Fill((0..<channels).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let copied = Geometry.copyLattice(image, map: map, size: size, fill: fill)
            #expect(copied == Self.latticeByDefinition(image, map: map, size: size, fill: fill),
                    "\(width)x\(height)x\(channels) -> \(size.width)x\(size.height), \(map), \(fill)")
        }
    }
}
