#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SplitMix64 {
    /// A draw from the normal distribution N(0, 1) by the Box–Muller transform:
    /// `sqrt(-2 ln u1) × cos(2π u2)`, with `u1 = 1 − unitInterval()` in (0, 1] (so the
    /// logarithm is finite) and `u2 = unitInterval()`. The sine half of the pair is not kept,
    /// so every draw consumes exactly two outputs. The value depends on the C library's `log`
    /// and `cos`: the same build gives the same values (a manifest records what was drawn).
    ///
    /// - Complexity: O(1); two outputs consumed.
    public mutating func standardNormal() -> Double {
        let u1 = 1 - unitInterval()
        let u2 = unitInterval()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
