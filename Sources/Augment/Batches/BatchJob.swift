/// What `augment batches` does to one sample: read and decode its PNG to the run's channel
/// count, draw the pipeline for (seed, path, epoch) and apply it, giving an image of the
/// pipeline's fixed output size. The epoch is the copy number of the draws, so every epoch sees
/// fresh augmentations, and what a sample becomes depends only on (seed, path, epoch): never on
/// the executor, the worker count, the shard or the other samples.
///
/// Immutable and `Sendable`: any thread may call `sample(_:epoch:)`.
public struct BatchJob: Sendable {
    public let root: String
    public let pipeline: Pipeline
    public let seed: UInt64
    /// Channels fixed (`channels` is never nil): a batch holds one channel count.
    public let decoding: PNG.DecodingOptions
    /// The size every sample comes out at (`Pipeline.fixedOutputSize`).
    public let outputSize: Size

    /// - Throws: `BatchJobError` when the pipeline's output size is not fixed.
    public init(root: String, pipeline: Pipeline, seed: UInt64, channels: Int,
                maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels) throws(BatchJobError) {
        guard let size = pipeline.fixedOutputSize else {
            throw BatchJobError(reason: pipeline.outputSizeProblem
                ?? "the pipeline must end in a fixed output size, e.g. random_resized_crop or resize")
        }
        self.root = root
        self.pipeline = pipeline
        self.seed = seed
        self.decoding = PNG.DecodingOptions(maxPixels: maxPixels, channels: channels)
        self.outputSize = size
    }

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
    /// - Complexity: O(file size + pixels).
    /// - Throws: `ImageFailure` naming the path, for a file that cannot be read or decoded or a
    ///   transform that does not fit it.
    public func sample(_ path: String, epoch: Int) throws(ImageFailure) -> Image {
        func failure(_ reason: String) -> ImageFailure { ImageFailure(relativePath: path, reason: reason, stopsTheRun: false) }
        let image: Image
        do { image = try PNG.decode(try FileIO.read(root + "/" + path), options: decoding) } catch let error as FileError {
            throw failure(error.reason)
        } catch {
            throw failure("\(error)")
        }
        do {
            var drawn = try pipeline.draw(seed: seed, path: path, copy: epoch,
                                          size: Size(width: image.width, height: image.height), channels: image.channels)
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
