extension SplitMix64 {
    /// The generator of one output image: seeded from the run's `seed`, the image's `path`
    /// relative to the input folder (its UTF-8 bytes, `/`-separated, as `ImageFolder` lists it)
    /// and the `copy` number, and from nothing else.
    ///
    /// The path is hashed with FNV-1a (64-bit); the three parts are folded in one at a time,
    /// each step passing through SplitMix64's finaliser, so that nearby seeds, paths and copy
    /// numbers give unrelated streams.
    ///
    /// - Complexity: O(path length).
    public init(seed: UInt64, path: String, copy: Int) {
        var mixed = Self.finalise(seed &+ Self.goldenGamma)
        mixed = Self.finalise((mixed ^ Self.fnv1a64(path)) &+ Self.goldenGamma)
        mixed = Self.finalise((mixed ^ UInt64(truncatingIfNeeded: copy)) &+ Self.goldenGamma)
        self.init(seed: mixed)
    }

    /// An independent generator for the transform at `index` of a pipeline, derived from this
    /// generator's state without advancing it: editing one transform of a pipeline (its `p`, or
    /// how many draws it makes) never changes what the other transforms draw from their own
    /// streams. (What a transform draws may still depend on the size its predecessors produce.)
    ///
    /// - Complexity: O(1).
    public func stream(forTransformAt index: Int) -> SplitMix64 {
        SplitMix64(seed: Self.finalise((state ^ UInt64(truncatingIfNeeded: index)) &+ Self.goldenGamma))
    }

    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes (offset basis 0xcbf29ce484222325,
    /// prime 0x100000001b3).
    ///
    /// - Complexity: O(`text.utf8.count`).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
