extension FolderJob {
    /// What a job makes of each input image.
    public enum Plan: Sendable, Equatable {
        /// `copies` outputs of every image, each drawn from the pipeline with the image's own
        /// generator (`SplitMix64(seed:path:copy:)`).
        case augment(Augmentation)
        /// The outputs a manifest lists, rebuilt from its records without drawing anything:
        /// only the manifest's inputs are read.
        case replay(Manifest)

        /// Every image written as decoded, to the same relative path: no pipeline, one copy.
        public static let copy = Plan.augment(Augmentation())
    }

    /// A pipeline, the run's seed, and how many outputs to make of each image.
    public struct Augmentation: Sendable, Equatable {
        public var pipeline: Pipeline
        public var seed: UInt64
        /// At least 1. With 1 an output keeps its input's name; with more, copy `k` of
        /// `name.png` is `name_k.png`, for k = 0 ..< copies.
        public var copies: Int

        public init(pipeline: Pipeline = Pipeline([]), seed: UInt64 = 0, copies: Int = 1) {
            precondition(copies >= 1, "a run makes at least one copy of each image, not \(copies)")
            self.pipeline = pipeline
            self.seed = seed
            self.copies = copies
        }

        /// Where copy `copy` of the input at `relativePath` goes, relative to the output folder:
        /// the same path when there is one copy; otherwise `<stem>_<copy>` followed by the input's
        /// own extension (`cls/cat.png` → `cls/cat_2.png`, `B.PNG` → `B_0.PNG`).
        ///
        /// - Complexity: O(path length).
        public func outputRelativePath(for relativePath: String, copy: Int) -> String {
            guard copies > 1 else { return relativePath }
            let nameStart = relativePath.lastIndex(of: "/").map(relativePath.index(after:)) ?? relativePath.startIndex
            guard let dot = relativePath[nameStart...].lastIndex(of: "."), dot > nameStart else {
                return relativePath + "_\(copy)"
            }
            return relativePath[..<dot] + "_\(copy)" + relativePath[dot...]
        }
    }
}
