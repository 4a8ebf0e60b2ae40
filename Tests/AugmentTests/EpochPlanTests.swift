import Testing
@testable import Augment

/// The sampler: orders that are permutations fixed by (seed, epoch), shards that split each epoch
/// exactly, and batch counts.
@Suite("Epoch plan")
struct EpochPlanTests {
    static func plan(_ n: Int, batch: Int = 4, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false,
                     shard: Shard? = nil) -> EpochPlan {
        EpochPlan(sampleCount: n, batchSize: batch, shuffle: shuffle, seed: seed, dropLast: dropLast, shard: shard)
    }

    /// splitmix64's finaliser, transcribed from Vigna's C code.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @Test("SplitMix64 seeded with 0 starts with splitmix64.c's published 0xe220a8397b1dcdaf")
    func publishedFirstOutput() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(Self.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF, "the test's transcription agrees")
    }

    @Test("n = 5, seed 0, epoch 0: Fisher–Yates transcribed here, on splitmix64 and Lemire's multiply-high")
    func handChecked() {
        // The epoch seed as documented: three finaliser steps folding in seed, "EPOCHORD", epoch.
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        var x = Self.mix(0 &+ gamma)
        x = Self.mix((x ^ 0x4550_4F43_484F_5244) &+ gamma)
        x = Self.mix((x ^ 0) &+ gamma)
        var order = [0, 1, 2, 3, 4]
        for i in stride(from: 4, through: 1, by: -1) {
            x = x &+ gamma
            let product = Self.mix(x).multipliedFullWidth(by: UInt64(i + 1))
            // Lemire's rejection only triggers when the low half is below 2^64 mod (i + 1): for
            // counts up to 5 that is below 5, a 2^-62 chance, checked rather than assumed.
            #expect(product.low >= 5)
            order.swapAt(i, Int(product.high))
        }
        #expect(Self.plan(5).order(epoch: 0) == order)
        #expect(Set(order) == Set(0..<5))
    }

    @Test("every order is a permutation of 0..<n, for small and larger n and several epochs")
    func permutations() {
        for n in [0, 1, 2, 3, 7, 100, 1000] {
            for epoch in 0..<4 {
                #expect(Self.plan(n, seed: 9).order(epoch: epoch).sorted() == Array(0..<n), "n \(n), epoch \(epoch)")
            }
        }
    }

    @Test("the same seed and epoch give the same order; another seed or epoch another; no shuffle is the identity")
    func determinism() {
        let order = Self.plan(100, seed: 42).order(epoch: 3)
        #expect(Self.plan(100, seed: 42).order(epoch: 3) == order)
        #expect(Self.plan(100, seed: 43).order(epoch: 3) != order)
        #expect(Self.plan(100, seed: 42).order(epoch: 4) != order)
        #expect(Set((0..<20).map { Self.plan(100, seed: 42).order(epoch: $0) }).count == 20, "20 epochs, 20 orders")
        #expect(order != Array(0..<100))
        for epoch in [0, 5] {
            #expect(Self.plan(10, shuffle: false, seed: 42).order(epoch: epoch) == Array(0..<10))
        }
    }

    @Test("the order does not depend on the batch size, drop_last, or the image streams")
    func independence() {
        let order = Self.plan(50, batch: 1, seed: 7).order(epoch: 2)
        #expect(Self.plan(50, batch: 16, seed: 7, dropLast: true).order(epoch: 2) == order)
        // An image's stream from the same seed is a different generator.
        #expect(SplitMix64(seed: 7, epoch: 2) != SplitMix64(seed: 7, path: "", copy: 2))
    }

    @Test("each of the 6 orders of 3 samples comes up about 1/6 of the time over 6,000 epochs")
    func uniform() {
        // A wrong bound in Fisher–Yates (j < i: Sattolo's cycles) or a biased draw would skew this:
        // each count is Binomial(6000, 1/6), mean 1000, sd 28.9; 150 is over 5 sd.
        var counts: [[Int]: Int] = [:]
        let plan = Self.plan(3, seed: 123)
        for epoch in 0..<6000 { counts[plan.order(epoch: epoch), default: 0] += 1 }
        #expect(counts.count == 6)
        #expect(counts.values.allSatisfy { abs($0 - 1000) < 150 }, "\(counts)")
    }

    @Test("shards of one epoch: disjoint, covering it, sizes within one, each the positions p % N == I")
    func shards() throws {
        for n in [0, 1, 5, 10, 23] {
            for count in 1...5 {
                let whole = Self.plan(n, seed: 3).order(epoch: 1)
                var seen: [Int] = []
                var sizes: [Int] = []
                for index in 0..<count {
                    let plan = Self.plan(n, seed: 3, shard: try Shard(index: index, count: count))
                    let part = plan.order(epoch: 1)
                    #expect(part == whole.indices.filter { $0 % count == index }.map { whole[$0] })
                    #expect(plan.samplesPerEpoch == part.count)
                    seen += part
                    sizes.append(part.count)
                }
                #expect(seen.sorted() == Array(0..<n), "n \(n), \(count) shards cover each sample once")
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
        // 10 samples, 3 ranks: 4, 3, 3 (DistributedSampler would pad to 4 each).
        #expect(try (0..<3).map { Self.plan(10, shard: try Shard(index: $0, count: 3)).samplesPerEpoch } == [4, 3, 3])
    }

    @Test("batches per epoch: ceil, or floor with drop_last, on this rank's samples")
    func batchCounts() throws {
        #expect(Self.plan(10, batch: 3).batchesPerEpoch == 4)
        #expect(Self.plan(10, batch: 3, dropLast: true).batchesPerEpoch == 3)
        #expect(Self.plan(9, batch: 3).batchesPerEpoch == 3 && Self.plan(9, batch: 3, dropLast: true).batchesPerEpoch == 3)
        #expect(Self.plan(2, batch: 3).batchesPerEpoch == 1 && Self.plan(2, batch: 3, dropLast: true).batchesPerEpoch == 0)
        #expect(Self.plan(0, batch: 3).batchesPerEpoch == 0)
        let rank = Self.plan(10, batch: 2, dropLast: true, shard: try Shard(index: 1, count: 3))  // 3 samples
        #expect(rank.samplesPerEpoch == 3 && rank.batchesPerEpoch == 1)
        #expect(Self.plan(2, shard: try Shard(index: 3, count: 4)).samplesPerEpoch == 0)
    }

    @Test("drop_last with shards: every rank gets floor(n / N) samples, disjoint, as DistributedSampler(drop_last=True)")
    func dropLastShards() throws {
        var seen: [Int] = []
        for index in 0..<3 {
            let plan = Self.plan(10, batch: 2, seed: 5, dropLast: true, shard: try Shard(index: index, count: 3))
            let part = plan.order(epoch: 1)
            #expect(part.count == 3 && plan.samplesPerEpoch == 3 && plan.batchesPerEpoch == 1)
            seen += part
        }
        #expect(Set(seen).count == 9, "disjoint: 9 of the 10 samples, one dropped for all ranks")
    }
}
