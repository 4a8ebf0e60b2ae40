/// What became of one input image.
public enum ImageOutcome: Sendable, Equatable {
    /// Its `outputs` were written; the manifest entries of those outputs, in copy order, when
    /// they were asked for (else empty).
    case written(outputs: Int, entries: [ManifestEntry])
    /// Resuming, its outputs all existed already, so nothing was read or written beyond what
    /// the manifest entries needed (empty unless they were asked for).
    case skipped([ManifestEntry])

    /// The manifest entries of the image's outputs.
    public var entries: [ManifestEntry] {
        switch self {
        case .written(_, let entries), .skipped(let entries): entries
        }
    }
}

extension FolderJob {
    /// The paths, relative to the output folder, of every output of the input at
    /// `relativePath`, found without reading the input.
    ///
    /// - Complexity: O(copies × path length), or O(outputs) when replaying.
    public func outputRelativePaths(for relativePath: String) -> [String] {
        switch plan {
        case .augment(let augmentation):
            (0..<augmentation.copies).map { augmentation.outputRelativePath(for: relativePath, copy: $0) }
        case .replay:
            replayEntries(for: relativePath).map(\.output)
        }
    }

    /// Processes one image as `process(_:)` does, except that with `options.resume`, an image
    /// whose outputs all exist is skipped. The entries of a skipped image are drawn again from
    /// its header alone (the draws depend only on the seed, path, copy, size and channels), so a
    /// resumed run's manifest equals an uninterrupted run's; with `wantsEntries` false they are
    /// not computed and the input is not read.
    ///
    /// This is the one step every executor runs per image.
    ///
    /// - Complexity: O(copies) `stat` calls for a skipped image (plus one file read and header
    ///   parse when entries are wanted); as `process(_:)` otherwise.
    /// - Throws: `ImageFailure`, as `process(_:)`.
    public func attempt(_ relativePath: String, wantsEntries: Bool) throws(ImageFailure) -> ImageOutcome {
        if options.resume && outputRelativePaths(for: relativePath).allSatisfy({ FileIO.exists(outputRoot + "/" + $0) }) {
            guard wantsEntries else { return .skipped([]) }
            return .skipped(try existingEntries(for: relativePath))
        }
        TestHooks.delayImage()
        let entries = try process(relativePath)
        return .written(outputs: entries.count, entries: wantsEntries ? entries : [])
    }

    /// The manifest entries of an image whose outputs exist, drawn from its header.
    private func existingEntries(for relativePath: String) throws(ImageFailure) -> [ManifestEntry] {
        switch plan {
        case .replay:
            return replayEntries(for: relativePath)
        case .augment(let augmentation):
            let (size, channels) = try input.shape(relativePath, maxPixels: options.decoding.maxPixels)
            return try drawEntries(for: relativePath, size: size, channels: options.decoding.channels ?? channels,
                                   augmentation: augmentation)
        }
    }
}
