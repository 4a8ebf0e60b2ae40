/// One output of a run, as a manifest line records it: which input it came from, where it was
/// written, and everything needed to make it again without drawing: the seed and copy it was
/// drawn for, the channel conversion and PNG compression, and each transform's drawn
/// parameters (or that it was skipped).
public struct ManifestEntry: Sendable, Hashable {
    /// The input's path relative to the input folder.
    public var input: String
    /// The output's path relative to the output folder.
    public var output: String
    /// The run's seed.
    public var seed: UInt64
    /// The copy number, 0 ..< copies.
    public var copy: Int
    /// The channel count images were converted to on decoding, or nil to keep each file's own.
    public var channels: Int?
    /// How the output was compressed.
    public var compression: PNG.Compression
    /// What each transform of the pipeline drew, in pipeline order; empty without a pipeline.
    public var transforms: [DrawnTransform]

    public init(input: String, output: String, seed: UInt64, copy: Int, channels: Int?,
                compression: PNG.Compression, transforms: [DrawnTransform]) {
        self.input = input
        self.output = output
        self.seed = seed
        self.copy = copy
        self.channels = channels
        self.compression = compression
        self.transforms = transforms
    }

    /// The manifest's order: by input path (its UTF-8 bytes, as `ImageFolder` sorts), then copy.
    /// A manifest sorted so is the same file whatever order the images were processed in.
    public static func precedes(_ a: ManifestEntry, _ b: ManifestEntry) -> Bool {
        if a.input != b.input { return a.input.utf8.lexicographicallyPrecedes(b.input.utf8) }
        return a.copy < b.copy
    }
}
