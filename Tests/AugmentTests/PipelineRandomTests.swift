import Testing
@testable import Augment

/// The per-image generator: SplitMix64 itself, the draws built on it, and the seeding that makes
/// an image's draws depend only on (seed, path, copy).
@Suite("Pipeline randomness")
struct PipelineRandomTests {
    /// Vigna's splitmix64.c, transcribed independently of the product:
    /// `z = (x += 0x9e3779b97f4a7c15); z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    ///  z = (z ^ (z >> 27)) * 0x94d049bb133111eb; return z ^ (z >> 31);`
    static func referenceSplitMix64(seed: UInt64, count: Int) -> [UInt64] {
        var x = seed
        return (0..<count).map { _ in
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("the published first outputs for seed 1234567 (Rosetta Code), and the reference C code for other seeds")
    func publishedOutputs() {
        var generator = SplitMix64(seed: 1_234_567)
        let published: [UInt64] = [6457827717110365317, 3203168211198807973, 9817491932198370423,
                                   4593380528125082431, 16408922859458223821]
        #expect((0..<5).map { _ in generator.next() } == published)
        #expect(Self.referenceSplitMix64(seed: 1_234_567, count: 5) == published, "the test's own reference agrees")
        for seed: UInt64 in [0, 1, 42, 0xDEAD_BEEF, .max] {
            var product = SplitMix64(seed: seed)
            #expect((0..<100).map { _ in product.next() } == Self.referenceSplitMix64(seed: seed, count: 100), "seed \(seed)")
        }
    }

    @Test("floor(5 u) over 100,000 draws from seed 987654321 gives Rosetta Code's published counts")
    func publishedFloatCounts() {
        var generator = SplitMix64(seed: 987_654_321)
        var counts = [0, 0, 0, 0, 0]
        for _ in 0..<100_000 { counts[Int(5 * generator.unitInterval())] += 1 }
        #expect(counts == [20027, 19892, 20073, 19978, 20030])
    }

    @Test("unitInterval is the top 53 bits of the output times 2^-53")
    func unitIntervalBits() {
        var generator = SplitMix64(seed: 99)
        let raw = Self.referenceSplitMix64(seed: 99, count: 1000)
        for value in raw {
            let u = generator.unitInterval()
            #expect(u == Double(value >> 11) / 9_007_199_254_740_992.0)
            #expect(u >= 0 && u < 1)
        }
    }

    @Test("uniform(lo...hi) stays within the range and spreads evenly over it")
    func uniformRange() {
        var generator = SplitMix64(seed: 7)
        var bins = [Int](repeating: 0, count: 10)
        var sum = 0.0
        let n = 100_000
        for _ in 0..<n {
            let value = generator.uniform(-30...30)
            #expect(value >= -30 && value <= 30)
            bins[min(9, Int((value + 30) / 6))] += 1
            sum += value
        }
        // Each bin is Binomial(n, 0.1): sd = sqrt(n 0.1 0.9) = 94.9; allow 5 sd.
        for count in bins { #expect(abs(count - n / 10) < 475, "bin count \(count)") }
        // The mean of U(-30, 30) has sd 60 / sqrt(12 n) = 0.0548.
        #expect(abs(sum / Double(n)) < 5 * 0.0548)
        var fixed = SplitMix64(seed: 7)
        #expect(fixed.uniform(2.5...2.5) == 2.5)
    }

    /// Lemire's "Fast random integer generation in an interval" (2019), Algorithm 5, written from
    /// the paper for an interval of size s: m = x * s; l = m mod 2^64; if l < s { t = -s mod s;
    /// while l < t { x = next; m = x * s; l = m mod 2^64 } }; return m >> 64.
    static func referenceLemire(size s: UInt64, _ generator: inout [UInt64].Iterator) -> UInt64 {
        var m = generator.next()!.multipliedFullWidth(by: s)
        if m.low < s {
            let t = (UInt64.max - s + 1) % s
            while m.low < t { m = generator.next()!.multipliedFullWidth(by: s) }
        }
        return m.high
    }

    @Test("integer(in:) matches Lemire's algorithm output for output, rejections included")
    func integerMatchesLemire() {
        // 2^63 + 1 values: the rejection threshold is 2^63 - 1, so about half of the draws are redrawn.
        let cases: [ClosedRange<Int>] = [0...5, -3...3, 10...10, 0...Int.max, Int.min...(-1), Int.min...0]
        for range in cases {
            let raw = Self.referenceSplitMix64(seed: 2024, count: 10_000)
            var iterator = raw.makeIterator()
            var generator = SplitMix64(seed: 2024)
            let size = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)) &+ 1
            for _ in 0..<1000 {
                let expected = range.lowerBound &+ Int(truncatingIfNeeded: Self.referenceLemire(size: size, &iterator))
                #expect(generator.integer(in: range) == expected, "\(range)")
            }
        }
        var generator = SplitMix64(seed: 5)
        let full = (0..<1000).map { _ in generator.integer(in: Int.min...Int.max) }
        #expect(full == Self.referenceSplitMix64(seed: 5, count: 1000).map { Int(truncatingIfNeeded: $0) },
                "the full range takes the raw output")
    }

    @Test("integer(in:) is unbiased where a modulo would not be, and reaches both ends")
    func integerUnbiased() {
        // Int.min ... 2^62 - 1 holds 3 * 2^62 values: `next % n` would put half of the draws in the lowest
        // 2^62 (below -2^62), instead of a third.
        let n = 30_000
        var generator = SplitMix64(seed: 11)
        var low = 0
        for _ in 0..<n where generator.integer(in: Int.min...((1 << 62) - 1)) < -(1 << 62) { low += 1 }
        #expect(abs(low - n / 3) < 5 * 82, "\(low) of \(n) in the lowest third (sd 81.6)")
        var seen: Set<Int> = []
        for _ in 0..<200 { seen.insert(generator.integer(in: -1...2)) }
        #expect(seen == [-1, 0, 1, 2])
    }

    @Test("chance(p) is true with probability p: never for 0, always for 1, p within 5 sd")
    func chance() {
        var generator = SplitMix64(seed: 3)
        #expect((0..<10_000).allSatisfy { _ in !generator.chance(0) })
        #expect((0..<10_000).allSatisfy { _ in generator.chance(1) })
        let hits = (0..<10_000).filter { _ in generator.chance(0.3) }.count
        #expect(abs(hits - 3000) < 5 * 46, "sd = sqrt(10000 * 0.3 * 0.7) = 45.8")
    }

    @Test("FNV-1a 64 of the published test vectors")
    func fnv1a() {
        // From the FNV reference test suite (Noll): "" and "a" and "foobar".
        #expect(SplitMix64.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(SplitMix64.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(SplitMix64.fnv1a64("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test("an image's generator depends on seed, path and copy, and on nothing else")
    func perImageSeeding() {
        func outputs(_ seed: UInt64, _ path: String, _ copy: Int) -> [UInt64] {
            var generator = SplitMix64(seed: seed, path: path, copy: copy)
            return (0..<4).map { _ in generator.next() }
        }
        let base = outputs(0, "cls1/c.png", 0)
        #expect(outputs(0, "cls1/c.png", 0) == base, "the same inputs give the same stream")
        #expect(outputs(1, "cls1/c.png", 0) != base, "another seed")
        #expect(outputs(0, "cls1/d.png", 0) != base, "another path")
        #expect(outputs(0, "cls1/c.png", 1) != base, "another copy")
        #expect(outputs(0, "cls2/c.png", 0) != base, "the same name in another folder")

        // The order of calls is irrelevant: draw for 500 paths forwards and backwards.
        let paths = (0..<500).map { "class\($0 % 7)/image\($0).png" }
        let forwards = Dictionary(uniqueKeysWithValues: paths.map { ($0, outputs(9, $0, 2)) })
        let backwards = Dictionary(uniqueKeysWithValues: paths.reversed().map { ($0, outputs(9, $0, 2)) })
        #expect(forwards == backwards)
        #expect(Set(forwards.values).count == paths.count, "no two paths share a stream")
    }

    @Test("each transform draws from its own stream, so changing one transform leaves the others' draws alone")
    func transformStreams() throws {
        let rotate = Transform(.rotate(degrees: .range(-30...30), interpolation: .bilinear, fill: .zero))
        let size = Size(width: 50, height: 40)
        let first = try Pipeline([Transform(.hflip, probability: 0.5), rotate])
            .draw(seed: 1, path: "x.png", copy: 0, size: size, channels: 3)
        let second = try Pipeline([Transform(.oneOf([Transform(.hflip), Transform(.vflip)]), probability: 0.9), rotate])
            .draw(seed: 1, path: "x.png", copy: 0, size: size, channels: 3)
        #expect(first[1] == second[1])
        let streams = (0..<4).map { SplitMix64(seed: 5).stream(forTransformAt: $0) }
        #expect(Set(streams.map(\.state)).count == 4)
    }
}
