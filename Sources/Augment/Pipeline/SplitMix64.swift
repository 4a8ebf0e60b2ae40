/// Steele, Lea and Flood's SplitMix64 generator (Vigna's `splitmix64.c`): a 64-bit counter
/// advanced by the golden-ratio increment and passed through a bijective finaliser.
///
/// Every image gets its own generator, seeded from the run seed, its path and its copy number
/// (`init(seed:path:copy:)`), so what an image draws never depends on other images, the order
/// they are processed in, the executor or the number of workers. A generator is a value: no
/// state is ever shared between threads.
///
/// The draws this package makes from it (`uniform(_:)`, `integer(in:)`) are implemented here
/// rather than through the standard library's `random(in:using:)`, whose algorithm may change
/// between Swift releases: a seed must give the same augmentations on every toolchain.
///
/// - Complexity: O(1) time and 8 bytes per generator; each `next()` is a few multiplications.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The counter; the next output is `finalise(state + goldenGamma)`.
    public private(set) var state: UInt64

    /// 2^64 divided by the golden ratio, rounded to an odd integer: the counter's increment.
    public static let goldenGamma: UInt64 = 0x9e37_79b9_7f4a_7c15

    /// A generator whose first output is `finalise(seed &+ goldenGamma)`, as Vigna's C code
    /// seeded with `x = seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        state &+= Self.goldenGamma
        return Self.finalise(state)
    }

    /// SplitMix64's output function (a variant of MurmurHash3's `fmix64`): a bijection on 64-bit
    /// integers in which every input bit affects every output bit. Also used to mix seeds.
    @inlinable
    public static func finalise(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z &>> 31)
    }
}
