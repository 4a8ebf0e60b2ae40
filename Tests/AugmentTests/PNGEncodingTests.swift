import Testing
@testable import Augment

/// Encoding: lossless round trips at every compression setting, and the encoded stream read back
/// with the test's own chunk parser, zlib's `uncompress` and a Swift unfilter (no libpng).
@Suite("PNG encoding")
struct PNGEncodingTests {
    // MARK: Test images

    static let sizes = [(1, 1), (3, 257), (257, 3), (64, 64)]

    static func randomImage(width: Int, height: Int, channels: Int, seed: UInt64) -> Image {
        var generator = SeededGenerator(seed: seed)
        return Image(width: width, height: height, channels: channels, pixels: generator.bytes(width * height * channels))
    }

    /// A smooth diagonal ramp per channel, each channel offset so they differ.
    static func gradientImage(width: Int, height: Int, channels: Int) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let ramp = (x * 255 / max(width - 1, 1) + y * 255 / max(height - 1, 1)) / 2
                for channel in 0..<channels { pixels.append(UInt8(min(255, ramp + channel * 13))) }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Every (channels, size, content) image of the round trips: 4 x 4 x 2 = 32.
    static let images: [(label: String, image: Image)] = {
        var images: [(String, Image)] = []
        for channels in 1...4 {
            for (width, height) in sizes {
                let seed = UInt64(channels * 1_000_000 + width * 1000 + height)
                images.append(("random \(width)x\(height)x\(channels)",
                               randomImage(width: width, height: height, channels: channels, seed: seed)))
                images.append(("gradient \(width)x\(height)x\(channels)",
                               gradientImage(width: width, height: height, channels: channels)))
            }
        }
        return images
    }()

    /// The named presets, levels 0 to 9, and every strategy with every filter (levels spread
    /// over 0-9 so each strategy is also tried at several levels).
    static let settings: [PNG.Compression] = {
        var settings: [PNG.Compression] = [.fast, .default, .small]
        settings += (0...9).map { PNG.Compression.level($0) }
        var index = 0
        for strategy in PNG.Compression.Strategy.allCases {
            for filter in PNG.Compression.Filter.allCases {
                settings.append(PNG.Compression(level: index % 10, strategy: strategy, filter: filter))
                index += 1
            }
        }
        return settings
    }()

    /// The PNG colour type for 1-4 channels of 8 bits.
    static func colourType(channels: Int) -> PNGColourType {
        [PNGColourType.grey, .greyAlpha, .rgb, .rgba][channels - 1]
    }

    @Test("the settings cover 3 presets, 10 levels and 5 x 6 strategy-filter pairs")
    func settingsCount() {
        #expect(Self.settings.count == 3 + 10 + 30)
        #expect(Set(Self.settings.map { "\($0.strategy) \($0.filter)" }).count == 5 * 6)
        #expect(Set(Self.settings.map(\.level)) == Set(0...9))
        #expect(Self.images.count == 32)
    }

    // MARK: Round trips

    @Test("encode then decode gives back exactly the same pixels", arguments: settings)
    func roundTrip(compression: PNG.Compression) throws {
        for (label, image) in Self.images {
            let bytes = try PNG.encode(image, compression: compression)
            let header = try PNG.header(of: bytes)
            #expect(header.width == image.width && header.height == image.height, "\(label)")
            #expect(header.bitDepth == 8, "\(label)")
            #expect(header.colorType.rawValue == Int(Self.colourType(channels: image.channels).rawValue), "\(label)")
            #expect(!header.interlaced && !header.hasTransparency, "\(label)")
            #expect(header.decodedChannels == image.channels, "\(label)")
            let decoded = try PNG.decode(bytes)
            #expect(decoded == image, "\(label) with \(compression)")
        }
    }

    @Test("the encoded stream is valid PNG by the test's own reading, without libpng",
          arguments: PNG.Compression.Filter.allCases)
    func independentReading(filter: PNG.Compression.Filter) throws {
        for channels in 1...4 {
            for image in [Self.gradientImage(width: 31, height: 9, channels: channels),
                          Self.randomImage(width: 9, height: 31, channels: channels, seed: 5)] {
                let bytes = try PNG.encode(image, compression: PNG.Compression(level: 6, filter: filter))
                let stream = try #require(PNGStream(parsing: bytes))
                #expect(stream.chunks.allSatisfy { $0.hasCorrectCRC })
                #expect(stream.chunks.first?.typeName == "IHDR")
                #expect(stream.chunks.last?.typeName == "IEND" && stream.chunks.last?.data == [])
                let ihdr = stream.chunks[0].data
                #expect(ihdr == PNGStream.ihdrData(width: UInt32(image.width), height: UInt32(image.height), bitDepth: 8,
                                                   colourType: Self.colourType(channels: channels).rawValue, interlace: 0))
                // The IDAT chunks are consecutive (section 5.6), and hold one zlib stream.
                let types = stream.chunks.map(\.typeName)
                let firstIDAT = try #require(types.firstIndex(of: "IDAT"))
                let lastIDAT = try #require(types.lastIndex(of: "IDAT"))
                #expect(types[firstIDAT...lastIDAT].allSatisfy { $0 == "IDAT" })
                let zlib = stream.chunks(ofType: "IDAT").flatMap(\.data)
                let rowBytes = image.width * channels
                let expectedCount = image.height * (rowBytes + 1)
                let raw = try #require(PNGDecodingTests.ByteBuilder.inflate(zlib, expectedCount: expectedCount))
                let unfiltered = try #require(PNGBytes.unfilter(raw, rowBytes: rowBytes, height: image.height,
                                                                bytesPerPixel: channels))
                #expect(unfiltered.rows == image.pixels, "\(channels) channels, \(filter)")
                // A single filter asked for is the one every row uses (the first row's "row above"
                // is zeros, so Up, Average and Paeth are valid there too).
                let expectedType: UInt8? = switch filter {
                case .none: 0
                case .sub: 1
                case .up: 2
                case .average: 3
                case .paeth: 4
                case .adaptive: nil
                }
                if let expectedType {
                    #expect(unfiltered.filters.allSatisfy { $0 == expectedType },
                            "\(filter): row filters \(unfiltered.filters)")
                }
            }
        }
    }

    // MARK: Sizes

    @Test(".small is never larger than .level(1) on a smooth gradient", arguments: 1...4)
    func smallIsSmaller(channels: Int) throws {
        let image = Self.gradientImage(width: 64, height: 64, channels: channels)
        let small = try PNG.encode(image, compression: .small)
        let level1 = try PNG.encode(image, compression: .level(1))
        #expect(small.count <= level1.count, "small \(small.count) bytes, level 1 \(level1.count) bytes")
    }

    @Test("level 0 stores: the file holds at least every filtered scanline byte")
    func levelZeroStores() throws {
        let image = Self.gradientImage(width: 64, height: 64, channels: 3)
        let stored = try PNG.encode(image, compression: .level(0))
        // Signature 8, IHDR 25, IEND 12, then at least height * (1 + row bytes) of IDAT data.
        #expect(stored.count >= 8 + 25 + 12 + 64 * (1 + 64 * 3))
        #expect(try PNG.encode(image, compression: .level(9)).count < stored.count)
    }

    // MARK: Refusals

    @Test("an image of zero width or height throws .encodingFailed naming its size")
    func zeroSize() {
        for (width, height) in [(0, 4), (4, 0), (0, 0)] {
            let image = Image(width: width, height: height, channels: 3, pixels: [])
            do {
                let bytes = try PNG.encode(image)
                Issue.record("a \(width)x\(height) image was encoded into \(bytes.count) bytes")
            } catch {
                guard case .encodingFailed(let reason) = error else {
                    Issue.record("expected .encodingFailed, got \(error)")
                    continue
                }
                #expect(reason.contains("\(width)x\(height)"), "reason: \(reason)")
            }
        }
    }
}
