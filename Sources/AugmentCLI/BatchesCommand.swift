import ArgumentParser
import Augment
import Foundation

extension SampleEncoding.Layout: ExpressibleByArgument {}
extension SampleEncoding.ElementType: ExpressibleByArgument {}

struct BatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "Stream augmented batches of images and labels, as NumPy arrays, to a training script.",
        discussion: """
            DATASET is a folder with one sub-folder per class (torchvision's ImageFolder: classes \
            numbered in sorted name order, every PNG below a class folder is a sample of it), or \
            a folder of images with --labels FILE.csv (a header line, then path,label rows; \
            integer labels are used as they are, names are numbered in sorted order).

            Each sample is decoded to --channels channels (default 3), augmented by --pipeline, \
            which must end in a fixed output size (random_resized_crop, resize, center_crop, ...), \
            with draws from (--seed, its path, the epoch number): every epoch sees new \
            augmentations. Every epoch takes each sample exactly once, in sorted order or, with \
            --shuffle, in a new permutation drawn from (--seed, epoch); --shard I/N keeps every \
            N-th position of that order from I, as PyTorch's DistributedSampler does (without \
            its padding: ranks differ by at most one sample; with --drop-last the order is first \
            cut to a multiple of N, so that every rank has as many batches). Batches never span two epochs; an \
            epoch's last batch is smaller, or dropped with --drop-last. The same options give \
            the same batches, bytes and order whatever --executor and --workers.

            --out - (the default) writes to standard output standard NumPy .npy arrays back to \
            back, three per batch: the images (uint8 or float32, [B,H,W,C] or with --layout nchw \
            [B,C,H,W]), the labels (int64, [B]) and the batch's place (int64, [2]: epoch, batch \
            index within the epoch); end of file ends the stream. --out DIR writes one .npz per \
            batch instead (images, labels, place), named e<epoch>-b<batch>.npz. The producer \
            holds at most max(2 batches, 4 per worker) samples beyond the batch being written, \
            which waits for the reader: memory does not grow with a slow reader.

            --dtype float32 gives x/255; --normalize MEAN,STD (one of each for every channel) or \
            m1,...,mC,s1,...,sC on that 0-1 scale gives (x/255 - mean)/std, as albumentations \
            and torchvision; --normalize stats.json takes augment stats' 0-255 figures, \
            (x - mean)/std. A pipeline ending in normalize does the same. Either implies float32.

            An image that cannot be read is reported on standard error (error: <path>: \
            <reason>) and left out, its batch filled from the next images; --strict stops at it. \
            A file is decoded only down to the last row its augmentation reads (the same bytes, \
            sooner); the rest of it is still checked to its end and by its CRCs, but its \
            compressed data there is not inflated, nor its Adler-32 checked: --strict decodes \
            every row of every file and checks everything.

            --print-classes prints {"classes": [...], "samples": N, "batches_per_epoch": K} for \
            this shard and exits, reading no image.

            Exit status: 0 every batch delivered; 1 some images were left out; 2 the run could \
            not start or had to stop; 64 a bad option or pipeline.
            """
    )

    @Argument(help: "The dataset folder (one sub-folder per class, or images with --labels), or a cache of it from augment cache.")
    var dataset: String

    @Option(help: ArgumentHelp("A CSV of path,label rows (after a header line) for a flat folder.", valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("The augmentation pipeline, ending in a fixed output size: JSON, or YAML.", valueName: "file"))
    var pipeline: String

    @Option(help: ArgumentHelp("Samples per batch.", valueName: "b"))
    var batchSize: Int

    @Option(help: ArgumentHelp("Epochs to produce.", valueName: "e"))
    var epochs = 1

    @Option(help: ArgumentHelp("The number of the first epoch, for a loader that resumes.", valueName: "k"))
    var firstEpoch = 0

    @Flag(help: "A new order every epoch, drawn from the seed and the epoch.")
    var shuffle = false

    @Flag(help: "Drop each epoch's last batch when it is smaller than --batch-size.")
    var dropLast = false

    @Option(help: ArgumentHelp("The run's random seed.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("serial, threads or processes.", valueName: "kind"))
    var executor: ExecutorKind = .threads

    @Option(help: ArgumentHelp("Threads or worker processes (default: the cores this process may use, \(CoreCount.available) here).",
                               valueName: "n"))
    var workers: Int?

    @Option(help: ArgumentHelp("Take only this rank's part: every N-th sample of each epoch's order from I.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("nhwc ([B,H,W,C]) or nchw ([B,C,H,W]).", valueName: "layout"))
    var layout: SampleEncoding.Layout = .nhwc

    @Option(help: ArgumentHelp("uint8 (default) or float32 (x/255, or normalised).", valueName: "type"))
    var dtype: SampleEncoding.ElementType?

    @Option(help: ArgumentHelp("MEAN,STD or m1,..,mC,s1,..,sC on the 0-1 scale, or an augment stats JSON file.", valueName: "values|file"))
    var normalize: String?

    @Option(help: ArgumentHelp("Channels of every sample: 1, 3 or 4.", valueName: "n"))
    var channels = 3

    @Option(help: "Refuse images with more pixels than this, from their header, before decoding.")
    var maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels

    @Flag(help: "Stop at the first image that cannot be read; decode every row of every file.")
    var strict = false

    @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("- for standard output, or a folder for .npz files.",
                                                                              valueName: "-|dir"))
    var out = "-"

    @Flag(help: "Print the classes and the sample and batch counts as JSON, and exit.")
    var printClasses = false

    @Option(help: ArgumentHelp("With --out -: put each batch's images in a shared-memory ring behind this descriptor (a memfd the reader made) and stream [slot, length] in their place; the reader returns slots on standard input (README, Stream format).",
                               valueName: "fd"))
    var ringFd: Int32?

    @Option(help: ArgumentHelp("Slots in the --ring-fd ring.", valueName: "n"))
    var ringSlots = 4

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, not \(batchSize)") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
        if firstEpoch < 0 { throw ValidationError("--first-epoch must not be negative, not \(firstEpoch)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        if workers != nil && executor == .serial { throw ValidationError("--workers does not apply to --executor serial") }
        if ![1, 3, 4].contains(channels) { throw ValidationError("--channels must be 1, 3 or 4, not \(channels)") }
        if maxPixels <= 0 { throw ValidationError("--max-pixels must be positive, not \(maxPixels)") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") } }
        if ringFd != nil && out != "-" { throw ValidationError("--ring-fd goes with --out -") }
        if let ringFd, ringFd < 3 { throw ValidationError("--ring-fd must be a descriptor above 2, not \(ringFd)") }
        if ringSlots < 1 || ringSlots > 64 { throw ValidationError("--ring-slots must be 1 to 64, not \(ringSlots)") }
        if dtype == .uint8 && normalize != nil { throw ValidationError("--normalize makes float32 values; drop --dtype uint8") }
        // Epochs are numbered in 32 bits on the sample workers' wire (and no run needs more).
        if firstEpoch > Int(UInt32.max) - epochs + 1 {
            throw ValidationError("--first-epoch + --epochs must stay below 2^32, not \(firstEpoch) + \(epochs)")
        }
    }

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        BLAS.stopIdleThreads()  // this command makes no matrix products
        let (pipelineText, format, parsedPipeline) = try readPipeline()
        let (data, source) = try readDataset()
        let shardValue = try shard.map { try Shard(parsing: $0) }
        let epochPlan = EpochPlan(sampleCount: data.samples.count, batchSize: batchSize, shuffle: shuffle, seed: seed,
                                  dropLast: dropLast, shard: shardValue)
        // Built before anything is printed, so that --print-classes (which a loader runs first)
        // refuses a pipeline without a fixed output size too.
        let job: BatchJob
        do { job = try BatchJob(source: source, pipeline: parsedPipeline, seed: seed, channels: channels, maxPixels: maxPixels,
                                    decodesEveryRow: strict) } catch {
            printError("error: \(pipeline): \(error)")
            throw ExitCode.validationFailure
        }
        // Checked before --print-classes answers, so that a loader learns of a bad --normalize
        // when it is made, not at its first batch.
        let encoding = try chosenEncoding(job)
        if printClasses {
            let document = DocumentValue.object([
                .init("classes", .array(data.classes.map { .string($0) })),
                .init("samples", .number(epochPlan.samplesPerEpoch)),
                .init("batches_per_epoch", .number(epochPlan.batchesPerEpoch)),
            ])
            print(document.jsonText)
            return
        }
        if epochPlan.samplesPerEpoch * epochs > Int(UInt32.max) {
            printError("error: \(epochPlan.samplesPerEpoch) samples × \(epochs) epochs is more than one run numbers (2^32); "
                + "run fewer epochs at a time (--first-epoch)")
            throw ExitCode.validationFailure
        }
        if out != "-" {
            do { try FileIO.createFolders(out) } catch {
                printError("error: \(error)")
                throw ExitStatus.couldNotRun
            }
        }
        let plan = BatchPlan(dataset: data, epochPlan: epochPlan, firstEpoch: firstEpoch, epochs: epochs,
                             batchSize: batchSize, dropLast: dropLast)
        let workerCount = workers ?? CoreCount.available
        let ahead = max(2 * batchSize, 4 * workerCount)
        let previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previousPipeHandler) }
        var ring: BatchRing?
        if let ringFd {
            let fullBatch = encoding.arrayLength(images: batchSize, size: job.outputSize, channels: channels)
            do { ring = try BatchRing(descriptor: ringFd, slots: ringSlots, slotSize: BatchRing.slotSize(forArrayOf: fullBatch)) } catch {
                printError("error: \(error)")
                throw ExitStatus.couldNotRun
            }
        }
        let emit = { (batch: Batch) throws(BatchRunError) -> Void in try self.write(batch, encoding: encoding, ring: ring) }
        let report = { (failure: ImageFailure) in printError("error: \(failure)") }
        let summary: BatchRunSummary
        do {
            switch executor {
            case .serial:
                var serial = SerialSampleWorkers(job: job)
                summary = try plan.run(on: &serial, ahead: ahead, strict: strict, emit: emit, skipped: report)
            case .threads:
                RunCommand.limitBLASThreads(workers: workerCount)
                var threads = ThreadSampleWorkers(job: job, workers: workerCount)
                summary = try plan.run(on: &threads, ahead: ahead, strict: strict, emit: emit, skipped: report)
            case .processes:
                var processes = try ProcessSampleWorkers(job: job, pipelineText: pipelineText, format: format, workers: workerCount,
                                                         command: [RunCommand.executablePath, SampleWorkerCommand.configuration.commandName!],
                                                         environment: RunCommand.workerEnvironment)
                summary = try plan.run(on: &processes, ahead: ahead, strict: strict, emit: emit, skipped: report)
            }
        } catch where error.reason == Self.readerGone {
            return  // The reader stopped reading (a training loop that broke out early): not an error.
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        if summary.skipped > 0 { throw ExitStatus.someFailed }
    }

    static let readerGone = BatchRing.readerGone

    private func write(_ batch: Batch, encoding: SampleEncoding, ring: BatchRing?) throws(BatchRunError) {
        let labels = NumPyFormat.array(dtype: .int64, shape: [batch.labels.count], data: NumPyFormat.littleEndianBytes(batch.labels))
        let place = NumPyFormat.array(dtype: .int64, shape: [2], data: NumPyFormat.littleEndianBytes([Int64(batch.epoch), Int64(batch.index)]))
        if out == "-" {
            var images = encoding.pieces(of: batch.images)
            if let ring {
                let (slot, length) = try ring.put(images)
                images = [NumPyFormat.array(dtype: .int64, shape: [2], data: NumPyFormat.littleEndianBytes([Int64(slot), Int64(length)]))]
            }
            for part in images + [labels, place] {
                guard StandardOutput.writeAll(part) else { throw BatchRunError(Self.readerGone) }
            }
            return
        }
        let images = encoding.array(of: batch.images)
        let name = "e" + Self.padded(batch.epoch, 4) + "-b" + Self.padded(batch.index, 6) + ".npz"
        do {
            let archive = try NPZArchive.archive([("images.npy", images), ("labels.npy", labels), ("place.npy", place)])
            try FileIO.writeAtomically(archive, to: out + "/" + name)
        } catch let error as FileError {
            throw BatchRunError(error.description)
        } catch {
            throw BatchRunError("\(out)/\(name): \(error)")
        }
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }

    private func readPipeline() throws -> (String, PipelineFileFormat, Pipeline) {
        do {
            let text = try PipelineFileError.text(ofFile: pipeline)
            let format = PipelineFileFormat(path: pipeline, text: text)
            return (text, format, try Pipeline(parsing: text, format: format, name: pipeline))
        } catch {
            printError("error: \(error)")
            throw error.kind == .unreadable ? ExitStatus.couldNotRun : ExitCode.validationFailure
        }
    }

    /// The dataset, and where its images come from: the folder, or a cache of it.
    private func readDataset() throws -> (LabelledDataset, ImageSource) {
        let data: LabelledDataset
        let source: ImageSource
        do {
            if FileIO.exists(dataset) && !FileIO.isFolder(dataset) {
                if labels != nil {
                    throw DatasetError(path: dataset, reason: "a cache holds its labels: give --labels to augment cache, not here")
                }
                source = try ImageSource.open(dataset)
                guard case .cache(let cache) = source else { preconditionFailure("a file opens as a cache") }
                data = try LabelledDataset(cache: cache)
            } else {
                data = try labels.map { try LabelledDataset(root: dataset, labelsCSV: $0) } ?? LabelledDataset(folderPerClass: dataset)
                source = try ImageSource.open(dataset, listing: false)
            }
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        // What a user may expect to be read and is not, said once, before any batch.
        for skipped in data.skipped { printError("warning: \(skipped.relativePath): \(skipped.reason)") }
        if data.unlabelledCount > 0 {
            // A cache's loose files lay in the folder it was built from, not in the cache file.
            var folder = dataset
            if case .cache(let cache) = source { folder = "\(cache.metadata.source) (cached in \(dataset))" }
            printError("warning: \(data.unlabelledCount) PNG \(data.unlabelledCount == 1 ? "file lies" : "files lie") directly in "
                + "\(folder), outside any class folder, and \(data.unlabelledCount == 1 ? "is" : "are") left out")
        }
        if !data.emptyClasses.isEmpty {
            printError("warning: class \(data.emptyClasses.count == 1 ? "folder" : "folders") with no PNG: "
                + data.emptyClasses.joined(separator: ", "))
        }
        if data.otherImageCount > 0 {
            printError("warning: \(data.otherImageCount) \(data.otherImageCount == 1 ? "file" : "files") with another image "
                + "format's extension (.jpg, .webp, ...) left out: augment reads PNG only")
        }
        if data.samples.isEmpty {
            printError("error: \(dataset): no PNG samples\(labels == nil ? " in any class folder" : "")")
            throw ExitStatus.couldNotRun
        }
        return (data, source)
    }

    /// The element type, layout and normalisation the options and the pipeline ask for.
    private func chosenEncoding(_ job: BatchJob) throws -> SampleEncoding {
        var normalization = job.pipelineNormalization
        if let normalize {
            if normalization != nil {
                printError("error: \(pipeline) ends in normalize; drop --normalize, or the pipeline's normalize")
                throw ExitCode.validationFailure
            }
            normalization = try parsedNormalization(normalize)
        }
        if let normalization {
            for values in [normalization.mean, normalization.std] where ![1, channels].contains(values.count) {
                printError("error: normalize has \(values.count) values where \(channels == 1 ? "1 channel takes 1" : "\(channels) channels take 1 or \(channels)")"
                    + " (choose --channels to match, or statistics made with the same --channels)")
                throw ExitCode.validationFailure
            }
            if dtype == .uint8 {
                printError("error: \(pipeline) ends in normalize, which makes float32 values; drop --dtype uint8")
                throw ExitCode.validationFailure
            }
            return SampleEncoding(layout: layout, elementType: .float32, normalization: normalization)
        }
        return SampleEncoding(layout: layout, elementType: dtype ?? .uint8)
    }

    private func parsedNormalization(_ text: String) throws -> Transform.Normalization {
        if text.hasSuffix(".json") || FileIO.exists(text) {
            do {
                let statistics = try DatasetStatistics(contentsOfFile: text)
                // A constant channel (opaque alpha, say) has std 0: dividing by it is no normalisation.
                if let channel = statistics.standardDeviation.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                    printError("error: --normalize: \(text): channel \(channel) has std \(statistics.standardDeviation[channel]), "
                        + "which cannot divide (a constant channel; choose --channels without it)")
                    throw ExitCode.validationFailure
                }
                return Transform.Normalization(mean: statistics.mean, std: statistics.standardDeviation, maxPixelValue: 1)
            } catch let error as PipelineFileError {
                printError("error: --normalize: \(error)")
                throw ExitCode.validationFailure
            }
        }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ $0 != nil && $0!.isFinite }), values.count == 2 || values.count == 2 * channels else {
            printError("error: --normalize takes MEAN,STD or \(channels) means then \(channels) stds, comma-separated, or a JSON file of augment stats, not \"\(text)\"")
            throw ExitCode.validationFailure
        }
        let numbers = values.map { $0! }
        let std = Array(numbers[(numbers.count / 2)...])
        guard std.allSatisfy({ $0 > 0 }) else {
            printError("error: --normalize: every std must be positive, not \(std)")
            throw ExitCode.validationFailure
        }
        return Transform.Normalization(mean: Array(numbers[..<(numbers.count / 2)]), std: std, maxPixelValue: 255)
    }
}

/// `augment _sample-worker`: one worker process of `augment batches --executor processes`.
/// Hidden from help.
struct SampleWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_sample-worker",
        abstract: "A worker process of `augment batches` (internal).",
        shouldDisplay: false
    )

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        let status = SampleWorkerServer.serve()
        if status != 0 { throw ExitCode(status) }
    }
}

/// Writes to standard output with `write(2)`, unbuffered, so that large arrays go out in one
/// piece and a closed pipe is seen at once.
enum StandardOutput {
    /// - Returns: false when the reader has gone (EPIPE) or on any other error.
    static func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
