/// A folder job as data: everything a worker process needs to rebuild the parent's
/// `FolderJob` (but the listing, which the parent hands out in chunks). The pipeline and the
/// manifest travel as their source text, so the worker parses exactly what the parent parsed.
public struct JobDescription: Sendable, Equatable {
    /// Where the job's plan comes from.
    public enum Source: Sendable, Equatable {
        /// A pipeline file's text (nil: no pipeline, images written as decoded), its format,
        /// the run's seed and the copies per image.
        case augment(pipelineText: String?, format: PipelineFileFormat, seed: UInt64, copies: Int)
        /// A manifest's text, to replay.
        case replay(manifestText: String)
    }

    public var input: String
    public var output: String
    public var options: FolderJob.Options
    public var source: Source
    /// Whether the parent wants the manifest entries of every image (it writes a manifest).
    public var wantsEntries: Bool

    public init(input: String, output: String, options: FolderJob.Options, source: Source, wantsEntries: Bool = false) {
        self.input = input
        self.output = output
        self.options = options
        self.source = source
        self.wantsEntries = wantsEntries
    }

    /// The plan the source describes.
    ///
    /// - Complexity: O(source text length).
    /// - Throws: the parser's error, as its description, for a pipeline or manifest that does
    ///   not parse, or copies below 1.
    public func plan() throws(WireError) -> FolderJob.Plan {
        switch source {
        case .augment(let text, let format, let seed, let copies):
            guard copies >= 1 else { throw WireError(reason: "copies must be at least 1, not \(copies)") }
            var augmentation = FolderJob.Augmentation(seed: seed, copies: copies)
            if let text {
                do { augmentation.pipeline = try Pipeline(parsing: text, format: format) } catch {
                    throw WireError(reason: error.description)
                }
            }
            return .augment(augmentation)
        case .replay(let text):
            do { return .replay(try Manifest(parsing: text)) } catch { throw WireError(reason: error.description) }
        }
    }

    /// The job a worker runs: the parent's, without listing the input folder.
    ///
    /// - Throws: as `plan()`, and for a cache that cannot be opened.
    func unlistedJob() throws(WireError) -> FolderJob {
        let plan = try plan()
        do { return try FolderJob(unlistedInput: input, output: output, options: options, plan: plan) } catch {
            throw WireError(reason: error.description)
        }
    }
}
