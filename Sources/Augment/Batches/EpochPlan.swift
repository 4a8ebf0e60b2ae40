/// Which samples a training run visits in each epoch, in which order, and how many batches
/// that makes: the sampler behind `augment batches`.
///
/// Guarantees: `order(epoch:)` depends only on (sampleCount, shuffle, seed, epoch, shard), never
/// on the executor, the workers, the batch size or what happened in other epochs; over the
/// shards 0..<N of one epoch, the orders are disjoint and together hold every index once.
///
/// Sharding is as PyTorch's `DistributedSampler` (rank I of N takes positions I, I + N, I + 2N, ...
/// of the epoch's order) except that nothing is repeated to even out the ranks: with 10 samples
/// and 3 ranks, the ranks get 4, 3 and 3 samples, where `DistributedSampler` would give each 4 by
/// visiting two samples twice. Every sample is seen exactly once per epoch; ranks may differ by
/// one sample, and so by one batch. With `dropLast` (as `DistributedSampler(drop_last=True)`),
/// the epoch's order is first cut to a multiple of N, so that every rank gets ⌊n / N⌋ samples
/// and the same number of batches: what `DistributedDataParallel`, which waits for every rank
/// at every step, needs.
public struct EpochPlan: Sendable, Equatable {
    public let sampleCount: Int
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let dropLast: Bool
    /// This rank's part, or nil for all of it.
    public let shard: Shard?

    /// - Precondition: `sampleCount >= 0`, `batchSize >= 1`.
    public init(sampleCount: Int, batchSize: Int, shuffle: Bool, seed: UInt64, dropLast: Bool, shard: Shard? = nil) {
        precondition(sampleCount >= 0, "a sample count is non-negative, not \(sampleCount)")
        precondition(batchSize >= 1, "a batch holds at least one sample, not \(batchSize)")
        self.sampleCount = sampleCount
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.shard = shard
    }

    /// The sample indices this rank processes in `epoch`, in order: the epoch's order
    /// (`0..<sampleCount`, or with `shuffle` a permutation from `SplitMix64(seed:epoch:)` by
    /// Fisher–Yates), then this shard's positions of it. With `dropLast` the samples of the last,
    /// partial batch are still listed: a batch left short by an unreadable image is filled from
    /// the samples after it, so whether the tail is dropped is decided when batches are made.
    ///
    /// - Complexity: O(sampleCount) time and memory, one generator draw per index (expected).
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<sampleCount)
        if shuffle {
            // Fisher–Yates from the top, as Python's random.shuffle: position i swaps with a
            // uniform j in 0...i, drawn exactly and without bias.
            var generator = SplitMix64(seed: seed, epoch: epoch)
            var i = sampleCount - 1
            while i > 0 {
                order.swapAt(i, generator.integer(in: 0...i))
                i -= 1
            }
        }
        guard let shard else { return order }
        if dropLast { order.removeLast(sampleCount % shard.count) }
        return shard.select(order)
    }

    /// How many indices `order(epoch:)` lists: every sample, or this shard's ⌈(n − I) / N⌉, or
    /// with `dropLast` ⌊n / N⌋.
    ///
    /// - Complexity: O(1).
    public var samplesPerEpoch: Int {
        guard let shard else { return sampleCount }
        if dropLast { return sampleCount / shard.count }
        return sampleCount > shard.index ? (sampleCount - shard.index + shard.count - 1) / shard.count : 0
    }

    /// Batches per epoch when every image is read: ⌈samples / B⌉, or ⌊samples / B⌋ with
    /// `dropLast`.
    ///
    /// - Complexity: O(1).
    public var batchesPerEpoch: Int {
        dropLast ? samplesPerEpoch / batchSize : (samplesPerEpoch + batchSize - 1) / batchSize
    }
}

extension SplitMix64 {
    /// The generator of epoch `epoch`'s sample order under run seed `seed`, and of nothing else.
    ///
    /// Mixed as `init(seed:path:copy:)` is, one part at a time through the finaliser, but with
    /// a constant of its own folded in first, so that these streams are unrelated to every
    /// image's (an overlap would need a 64-bit coincidence).
    ///
    /// - Complexity: O(1).
    public init(seed: UInt64, epoch: Int) {
        var mixed = Self.finalise(seed &+ Self.goldenGamma)
        mixed = Self.finalise((mixed ^ Self.epochOrderDomain) &+ Self.goldenGamma)
        mixed = Self.finalise((mixed ^ UInt64(truncatingIfNeeded: epoch)) &+ Self.goldenGamma)
        self.init(seed: mixed)
    }

    /// The domain of the epoch-order streams: the ASCII bytes "EPOCHORD".
    static let epochOrderDomain: UInt64 = 0x4550_4F43_484F_5244
}
