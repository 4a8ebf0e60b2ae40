/// What `augment batches` does to one sample: read and decode its PNG to the run's channel
/// count, draw the pipeline for (seed, path, epoch) and apply it, giving an image of the
/// pipeline's fixed output size. The epoch is the copy number of the draws, so every epoch sees
/// fresh augmentations, and what a sample becomes depends only on (seed, path, epoch): never on
/// the executor, the worker count, the shard or the other samples.
///
/// Immutable and `Sendable`: any thread may call `sample(_:epoch:)`.
public struct BatchJob: Sendable {
    /// The dataset's images: its folder, or a cache of it (the same samples either way).
    public let source: ImageSource
    public let pipeline: Pipeline
    public let seed: UInt64
    /// Channels fixed (`channels` is never nil): a batch holds one channel count.
    public let decoding: PNG.DecodingOptions
    /// The size every sample comes out at (`Pipeline.fixedOutputSize`).
    public let outputSize: Size
    /// Decode every row of every file. Otherwise a file is decoded only down to the last row
    /// its drawn pipeline reads (`[DrawnTransform].sourceRowsRead(from:)`): the same bytes, for
    /// less inflating (about a tenth less for the standard pipeline of rotate, zoom and random
    /// resized crop), with the rest of the file still checked to IEND and by its CRCs but its
    /// deflate data below those rows not inflated, and no file's Adler-32 checked
    /// (`PNG.decode(_:options:leadingRows:)`).
    public let decodesEveryRow: Bool

    /// - Throws: `BatchJobError` when the pipeline's output size is not fixed.
    public init(source: ImageSource, pipeline: Pipeline, seed: UInt64, channels: Int,
                maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels,
                decodesEveryRow: Bool = false) throws(BatchJobError) {
        guard let size = pipeline.fixedOutputSize else {
            throw BatchJobError(reason: pipeline.outputSizeProblem
                ?? "the pipeline must end in a fixed output size, e.g. random_resized_crop or resize")
        }
        self.source = source
        self.pipeline = pipeline
        self.seed = seed
        self.decoding = PNG.DecodingOptions(maxPixels: maxPixels, channels: channels)
        self.outputSize = size
        self.decodesEveryRow = decodesEveryRow
    }

    /// A job on the folder or cache at `root`, opened without a listing or a source check
    /// (`ImageSource.open(_:listing:)`): what a worker process builds from its parent's job.
    ///
    /// - Throws: `BatchJobError` as `init(source:...)`, and for a cache that cannot be opened.
    public init(root: String, pipeline: Pipeline, seed: UInt64, channels: Int,
                maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels,
                decodesEveryRow: Bool = false) throws(BatchJobError) {
        let source: ImageSource
        do { source = try ImageSource.open(root, listing: false) } catch { throw BatchJobError(reason: error.description) }
        try self.init(source: source, pipeline: pipeline, seed: seed, channels: channels, maxPixels: maxPixels,
                      decodesEveryRow: decodesEveryRow)
    }

    /// The folder or cache file the samples' paths are relative to.
    public var root: String { source.root }

    public var channels: Int { decoding.channels! }

    /// The normalisation a pipeline ending in `normalize` asks for, else nil.
    public var pipelineNormalization: Transform.Normalization? {
        guard case .normalize(let normalization)? = pipeline.transforms.last?.operation else { return nil }
        return normalization
    }

    /// The augmented pixels of the sample at `path` (relative to `root`) for `epoch`: 8-bit,
    /// interleaved, `outputSize`, `channels` channels. A final `normalize` is left to the batch
    /// encoding (`SampleEncoding`), which writes floats.
    ///
    /// - Complexity: O(file size + pixels), or O(pixels) from a cache.
    /// - Throws: `ImageFailure` naming the path, for a file that cannot be read or decoded or a
    ///   transform that does not fit it.
    public func sample(_ path: String, epoch: Int) throws(ImageFailure) -> Image {
        func failure(_ reason: String) -> ImageFailure { ImageFailure(relativePath: path, reason: reason, stopsTheRun: false) }
        // The draws need only the size, so they are made as soon as the header gives it, and
        // tell the decoder where to stop.
        func draw(_ size: Size) throws -> [DrawnTransform] {
            try pipeline.draw(seed: seed, path: path, copy: epoch, size: size, channels: channels)
        }
        var drawnEarly: [DrawnTransform]?
        let image = try source.image(path, maxPixels: decoding.maxPixels, leadingRows: decodesEveryRow ? nil : { size in
            guard let drawn = try? draw(size) else { return size.height }
            drawnEarly = drawn
            return drawn.sourceRowsRead(from: size)
        }).converted(toChannels: channels)
        do {
            var drawn = try drawnEarly ?? draw(Size(width: image.width, height: image.height))
            if case .normalize? = drawn.last { drawn.removeLast() }
            let result = try drawn.apply(to: image)
            guard result.width == outputSize.width && result.height == outputSize.height else {
                throw failure("came out \(result.width)x\(result.height), not \(outputSize.width)x\(outputSize.height)")
            }
            return result
        } catch let error as ImageFailure {
            throw error
        } catch {
            throw failure("\(error)")
        }
    }
}

/// Why a batch job cannot be built.
public struct BatchJobError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
