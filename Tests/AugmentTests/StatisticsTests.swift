import Foundation
import Testing
@testable import Augment

/// Dataset statistics: the BLAS accumulator against a plain double-precision computation, its
/// exactness (any order, any split, any thread count), the Jacobi eigen-decomposition, and the
/// JSON `augment stats` writes.
@Suite("Dataset statistics")
struct StatisticsTests {
    /// A random image whose first and last values are 0 and 255, so both ends are covered.
    static func randomImage(width: Int, height: Int, channels: Int, seed: UInt64) -> Image {
        var generator = SplitMix64(seed: seed)
        var pixels = (0..<width * height * channels).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        pixels[0] = 0
        pixels[pixels.count - 1] = 255
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Sizes from 1x1 to more than 256 pixels (several BLAS blocks, the last one partial).
    static func images(channels: Int) -> [Image] {
        [(1, 1), (3, 5), (17, 19), (40, 30), (16, 16)].enumerated().map { index, size in
            randomImage(width: size.0, height: size.1, channels: channels, seed: UInt64(100 * channels + index))
        }
    }

    /// The textbook computation, independent of the accumulator: mean, then the two-pass
    /// population covariance, all in Double, pixel by pixel.
    static func reference(_ images: [Image]) -> (count: Int, mean: [Double], covariance: [[Double]]) {
        let c = images[0].channels
        var n = 0
        var sums = [Double](repeating: 0, count: c)
        for image in images {
            for index in 0..<image.width * image.height {
                n += 1
                for channel in 0..<c { sums[channel] += Double(image.pixels[index * c + channel]) }
            }
        }
        let mean = sums.map { $0 / Double(n) }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: c), count: c)
        for image in images {
            for index in 0..<image.width * image.height {
                for i in 0..<c {
                    for j in 0..<c {
                        covariance[i][j] += (Double(image.pixels[index * c + i]) - mean[i])
                            * (Double(image.pixels[index * c + j]) - mean[j])
                    }
                }
            }
        }
        return (n, mean, covariance.map { $0.map { $0 / Double(n) } })
    }

    static func close(_ a: Double, _ b: Double, scale: Double, tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(scale, 1)
    }

    @Test("count, sums, XᵀX, mean, std and covariance agree with a plain double computation", arguments: [1, 3, 4])
    func agreesWithPlainDouble(channels: Int) {
        let images = Self.images(channels: channels)
        var statistics = ChannelStatistics(channels: channels)
        for image in images { statistics.add(image) }
        let reference = Self.reference(images)

        #expect(statistics.count == UInt64(reference.count))
        #expect(statistics.images == images.count)
        // The integer sums, exactly, against a plain loop.
        var products = [UInt64](repeating: 0, count: channels * channels)
        for image in images {
            for index in 0..<image.width * image.height {
                for i in 0..<channels {
                    for j in 0..<channels {
                        products[i * channels + j] += UInt64(image.pixels[index * channels + i]) * UInt64(image.pixels[index * channels + j])
                    }
                }
            }
        }
        #expect(statistics.products == products)
        for channel in 0..<channels {
            #expect(Self.close(statistics.mean[channel], reference.mean[channel], scale: 255))
            #expect(Self.close(statistics.standardDeviation[channel], reference.covariance[channel][channel].squareRoot(), scale: 255))
            for other in 0..<channels {
                #expect(Self.close(statistics.covariance[channel][other], reference.covariance[channel][other], scale: 255 * 255),
                        "covariance[\(channel)][\(other)]: \(statistics.covariance[channel][other]) vs \(reference.covariance[channel][other])")
            }
        }
    }

    @Test("exact at the largest block values: 65,536 pixels of 255 sum exactly and have zero covariance")
    func exactAtTheTop() {
        var statistics = ChannelStatistics(channels: 3)
        statistics.add(Image(width: 256, height: 256, channels: 3, repeating: 255))
        #expect(statistics.products == [UInt64](repeating: 65536 * 65025, count: 9))
        #expect(statistics.mean == [255, 255, 255])
        #expect(statistics.covariance == [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    }

    @Test("the same sums, bit for bit, for any image order and any split into merged accumulators")
    func orderAndSplitIndependent() {
        let images = Self.images(channels: 3)
        var forward = ChannelStatistics(channels: 3)
        for image in images { forward.add(image) }
        var backward = ChannelStatistics(channels: 3)
        for image in images.reversed() { backward.add(image) }
        var left = ChannelStatistics(channels: 3), right = ChannelStatistics(channels: 3)
        for (index, image) in images.enumerated() {
            if index % 2 == 0 { left.add(image) } else { right.add(image) }
        }
        right.merge(left)
        #expect(backward == forward)
        #expect(right == forward)
        #expect(right.covariance == forward.covariance && right.mean == forward.mean)
    }

    @Test("a folder scanned by 1, 2 or 3 threads, in sorted or shuffled order, gives identical statistics")
    func threadIndependent() throws {
        let root = try TestData.makeTemporaryFolder("augment-stats")
        defer { try? FileManager.default.removeItem(at: root) }
        var all: [Image] = []
        for index in 0..<9 {
            let image = Self.randomImage(width: 5 + index * 3, height: 4 + index, channels: 3, seed: UInt64(index))
            all.append(image)
            try Data(try PNG.encode(image)).write(to: root.appendingPathComponent("img\(index).png"))
        }
        let folder = try ImageFolder(root.path)
        let serial = ChannelStatistics.scan(folder, paths: folder.relativePaths, decoding: .init(), workers: 1)
        var plain = ChannelStatistics(channels: 3)
        for image in all { plain.add(image) }
        #expect(serial.byChannels == [3: plain])
        #expect(serial.failures.isEmpty)
        var generator = SplitMix64(seed: 9)
        for workers in [2, 3] {
            let shuffled = folder.relativePaths.shuffled(using: &generator)
            let scan = ChannelStatistics.scan(folder, paths: shuffled, decoding: .init(), workers: workers)
            #expect(scan.byChannels == serial.byChannels, "\(workers) workers")
        }
    }

    @Test("mixed channel counts are refused, naming the first image and the first that differs; failures are listed")
    func mixedChannels() throws {
        let root = try TestData.makeTemporaryFolder("augment-stats")
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, channels) in [("a.png", 3), ("b.png", 3), ("c.png", 1), ("d.png", 4)] {
            let image = Self.randomImage(width: 4, height: 3, channels: channels, seed: 1)
            try Data(try PNG.encode(image)).write(to: root.appendingPathComponent(name))
        }
        try Data("not a png".utf8).write(to: root.appendingPathComponent("bad.png"))
        let folder = try ImageFolder(root.path)
        for workers in [1, 3] {
            let scan = ChannelStatistics.scan(folder, paths: folder.relativePaths, decoding: .init(), workers: workers)
            #expect(scan.failures.map(\.relativePath) == ["bad.png"])
            #expect(throws: MixedChannelsError(firstPath: "a.png", firstChannels: 3, differingPath: "c.png",
                                               differingChannels: 1)) { try scan.combined() }
            let converted = ChannelStatistics.scan(folder, paths: folder.relativePaths,
                                                   decoding: .init(channels: 3), workers: workers)
            #expect(try converted.combined()?.images == 4)
        }
    }

    @Test("eigen: a hand-computed 2x2, a diagonal matrix, and A·v = λ·v with orthonormal vectors on random 4x4")
    func eigen() {
        let half = 0.5.squareRoot()
        let twoByTwo = SymmetricEigen([[2, 1], [1, 2]])
        #expect(zip(twoByTwo.values, [3.0, 1.0]).allSatisfy { abs($0 - $1) < 1e-15 })
        // Signs: largest component positive; on a tie (±1/√2), the first.
        let expected = [[half, half], [half, -half]]
        for (vector, wanted) in zip(twoByTwo.vectors, expected) {
            #expect(zip(vector, wanted).allSatisfy { abs($0 - $1) < 1e-15 }, "\(vector)")
        }
        let diagonal = SymmetricEigen([[1, 0, 0], [0, 5, 0], [0, 0, 3]])
        #expect(diagonal.values == [5, 3, 1])
        #expect(diagonal.vectors == [[0, 1, 0], [0, 0, 1], [1, 0, 0]])

        var generator = SplitMix64(seed: 4)
        for size in 1...4 {
            for _ in 0..<20 {
                var a = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
                for i in 0..<size { for j in i..<size { a[i][j] = generator.uniform(-1000...1000); a[j][i] = a[i][j] } }
                let eigen = SymmetricEigen(a)
                let norm = a.flatMap { $0 }.map(abs).max()!
                #expect(zip(eigen.values, eigen.values.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
                for (value, vector) in zip(eigen.values, eigen.vectors) {
                    for i in 0..<size {
                        let product = (0..<size).reduce(0.0) { $0 + a[i][$1] * vector[$1] }
                        #expect(abs(product - value * vector[i]) <= 1e-12 * norm)
                    }
                    let largest = vector.map(abs).max()!
                    #expect(vector.first { abs($0) == largest }! > 0, "the largest component is positive")
                }
                for i in 0..<size {
                    for j in 0..<size {
                        let dot = (0..<size).reduce(0.0) { $0 + eigen.vectors[i][$1] * eigen.vectors[j][$1] }
                        #expect(abs(dot - (i == j ? 1 : 0)) < 1e-13)
                    }
                }
            }
        }
    }

    @Test("the statistics JSON reads back equal, bit for bit; a malformed file is refused naming the key")
    func jsonRoundTrip() throws {
        var statistics = ChannelStatistics(channels: 3)
        for image in Self.images(channels: 3) { statistics.add(image) }
        let summary = DatasetStatistics(statistics)
        let text = summary.document.jsonText
        #expect(text.hasPrefix(#"{"count":\#(statistics.count),"images":5,"channels":3,"mean":["#))
        #expect(try DatasetStatistics(parsing: text) == summary)
        #expect(abs(summary.eigenvalues.reduce(0, +) - summary.covariance.indices.reduce(0) { $0 + summary.covariance[$1][$1] })
                < 1e-9 * summary.eigenvalues[0], "the eigenvalues sum to the trace")

        func error(_ text: String) -> PipelineFileError? {
            do { _ = try DatasetStatistics(parsing: text, name: "stats.json"); return nil } catch { return error }
        }
        let missing = error(#"{"count":1,"images":1,"channels":1,"mean":[1],"std":[0],"covariance":[[0]],"eigenvalues":[0]}"#)
        #expect(missing?.description == #"stats.json: missing key "eigenvectors": expected a list of 1 lists of 1 numbers"#)
        let short = error(#"{"count":1,"images":1,"channels":3,"mean":[1],"std":[0],"covariance":[[0]],"eigenvalues":[0],"eigenvectors":[[1]]}"#)
        #expect(short?.description == #"stats.json: key "mean": expected a list of 3 numbers, found [1]"#)
    }
}
