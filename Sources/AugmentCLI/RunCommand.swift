import ArgumentParser
import Augment
import Foundation

/// The executors `augment run --executor` offers.
enum ExecutorKind: String, ExpressibleByArgument, CaseIterable {
    case serial, threads, processes
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process every PNG below a folder into an output folder, optionally augmenting it.",
        discussion: """
            Walks INPUT_DIR recursively in sorted order and takes every file ending in .png (in \
            any case), skipping hidden entries and symbolic links that lead outside INPUT_DIR; \
            other formats (JPEG, WebP, ...) are not read. \
            Each image is decoded and written as PNG to the same relative path below OUTPUT_DIR \
            (class sub-folders are kept). Outputs are written atomically: a killed run never \
            leaves a half-written file.

            With --pipeline FILE (JSON, or YAML for .yaml/.yml), each image goes through the \
            pipeline's transforms, for example:
              {"transforms": [{"op": "hflip", "p": 0.5},
                              {"op": "rotate", "angle": [-30, 30]},
                              {"op": "random_resized_crop", "width": 96, "height": 96}]}
            Ops: hflip, vflip, rotate, zoom, crop, center_crop, resize, rotate90, transpose, \
            random_crop, random_resized_crop, one_of, pca_lighting. Numbers may be ranges [lo, hi], drawn \
            uniformly per image; every op takes p, the probability of applying it (default 1). \
            The whole file is checked before any image is read.

            The random draws of an image depend only on --seed, its path relative to INPUT_DIR \
            and the copy number: never on the order, the other files or the executor. With \
            --copies K > 1, copy k of name.png is written as name_k.png (k = 0..K-1).

            --manifest FILE writes one JSON line per output (input, output, seed, copy, channels, \
            compression, and what each transform drew, or "skipped"), sorted by input path then \
            copy. --replay FILE makes the outputs a manifest lists again from INPUT_DIR into \
            OUTPUT_DIR, without drawing; the manifest supplies the pipeline's values, the channel \
            conversion and the compression (by name, with no versions), so the outputs are the \
            same byte for byte with the same build of augment, libpng and zlib, not necessarily \
            across versions.

            --executor threads (the default) runs --workers OS threads in this process; \
            --executor processes runs --workers worker processes of this executable, fed over \
            pipes (docs/worker-protocol.md); a worker that dies has its images retried on \
            another. --executor serial processes the images in order. --workers defaults to the \
            cores this process may use. Every executor and worker count writes the same bytes.

            --resume skips images whose outputs all exist (outputs are written atomically, so an \
            existing one is complete) and removes temporary files a killed run left. It trusts \
            that those outputs came from the same options (pipeline, seed, copies, channels, \
            compression) and does not check them. A rerun without --resume overwrites outputs \
            but removes none, so files from other options (name.png beside name_0.png) stay. \
            --shard I/N processes every N-th image of the sorted list starting at I (0-based), so \
            that N machines can share a folder; --shard auto takes I from SLURM_ARRAY_TASK_ID \
            minus SLURM_ARRAY_TASK_MIN (N from --shards or SLURM_ARRAY_TASK_COUNT), which needs \
            a contiguous array with no step, submitted whole (give a task resubmitted alone its \
            I/N explicitly), or from JOB_COMPLETION_INDEX (N from --shards).

            Progress goes to standard error: a bar on a terminal, a plain line every second \
            otherwise, nothing with --quiet. Ctrl-C stops cleanly: images being written are \
            finished, workers exit, the summary is printed; rerun with --resume to finish. The \
            summary's "wrote N images" counts output files (K per image with --copies K); its \
            failed and skipped counts are of input images.

            A file that fails is reported on standard error as `error: <path>: <reason>` and the \
            run goes on; a full or read-only output disk stops the run.

            Exit status: 0 every image was written; 1 one or more images failed; 2 the run could \
            not start or had to stop (missing input folder, output inside the input, output not \
            writable, disk full, manifest not writable, workers that cannot start); 64 a bad \
            option, pipeline file or manifest to replay; 130 stopped by Ctrl-C.
            """
    )

    @Argument(help: "The folder of PNG images to read, or a cache of it from augment cache.")
    var inputDir: String

    @Option(name: [.customShort("o"), .customLong("out")],
            help: ArgumentHelp("The folder to write to (created if missing).", valueName: "output-dir"))
    var outputDir: String

    @OptionGroup var decoding: DecodingOptions

    @Option(help: ArgumentHelp(
        "PNG compression: fast (the built-in encoder), default (zlib 6), small (zlib 9), or a zlib level 0-9 (default: fast).",
        valueName: "setting"))
    var compression: PNG.Compression?

    @Option(help: ArgumentHelp("A pipeline file of transforms to apply: JSON, or YAML (.yaml, .yml).",
                               valueName: "file"))
    var pipeline: String?

    @Option(help: ArgumentHelp("The run's random seed, 0 to 2^64-1 (default: 0).", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Augmented copies to write of each image; with more than 1, name_k.png (default: 1).",
                               valueName: "k"))
    var copies: Int?

    @Option(help: ArgumentHelp("Write a JSON-lines manifest of every output and what it drew.", valueName: "file"))
    var manifest: String?

    @Option(help: ArgumentHelp("Make the outputs of a manifest again, byte for byte with the same build, without drawing.",
                               valueName: "file"))
    var replay: String?

    @Option(help: ArgumentHelp("serial, threads (N threads of this process) or processes (N worker processes).",
                               valueName: "kind"))
    var executor: ExecutorKind = .threads

    @Option(help: ArgumentHelp("Threads or worker processes to use (default: the cores this process may use, \(CoreCount.available) here).",
                               valueName: "n"))
    var workers: Int?

    @Flag(help: "Skip images whose outputs all exist (from an earlier, interrupted run with the same options; not checked); remove its stale temporary files.")
    var resume = false

    @Option(help: ArgumentHelp("Process only every N-th image of the sorted list, starting at I (0-based); "
        + "auto: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.", valueName: "I/N|auto"))
    var shard: String?

    @Option(help: ArgumentHelp("With --shard auto: the number of shards (default: SLURM_ARRAY_TASK_COUNT).", valueName: "n"))
    var shards: Int?

    @Flag(name: .shortAndLong, help: "Print only errors: no progress, no summary.")
    var quiet = false

    func validate() throws {
        if let workers {
            if workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
            if executor == .serial { throw ValidationError("--workers does not apply to --executor serial") }
        }
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1, not \(shards)") }
        if shards != nil && shard != "auto" { throw ValidationError("--shards goes with --shard auto") }
        if let shard, shard != "auto" {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        }
        if let copies, copies < 1 || copies > 1_000_000 {
            throw ValidationError("--copies must be 1 to 1,000,000, not \(copies)")
        }
        if replay != nil {
            let conflicting = [("--pipeline", pipeline != nil), ("--seed", seed != nil), ("--copies", copies != nil),
                               ("--channels", decoding.channels != nil), ("--compression", compression != nil)]
                .filter(\.1).map(\.0)
            if !conflicting.isEmpty {
                throw ValidationError("--replay takes the pipeline's values, seed, copies, channels and compression "
                    + "from the manifest; drop \(conflicting.joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        BLAS.stopIdleThreads()  // this command makes no matrix products
        let (plan, source) = try readPlan()
        if let manifest { try Self.checkWritable(manifest) }
        let selectedShard = try chosenShard()
        let options = FolderJob.Options(decoding: decoding.options, compression: compression ?? .fast, resume: resume)
        let job: FolderJob
        do {
            job = try FolderJob(input: inputDir, output: outputDir, options: options, plan: plan)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        for skipped in job.input.skipped {
            printError("warning: \(skipped.relativePath): \(skipped.reason)")
        }
        if job.input.otherImageCount > 0 {
            let extensions = ImageFolder.otherImageExtensions.sorted().map { "." + $0 }.joined(separator: ", ")
            let count = job.input.otherImageCount
            printError("warning: \(count) \(count == 1 ? "file" : "files") with another image format's extension "
                + "(\(extensions)) \(count == 1 ? "is" : "are") not read: augment reads PNG only")
        }
        if job.relativePaths.isEmpty && replay == nil {
            printError("warning: no PNG files found below \(inputDir)")
        }
        if let copies, copies > 1, pipeline == nil {
            printError("warning: --copies \(copies) without --pipeline writes \(copies) identical copies of each image")
        }
        let paths = selectedShard?.select(job.relativePaths) ?? job.relativePaths
        TestHooks.pauseAfterListing()
        if resume {
            let stale = FileIO.removeTemporaries(of: paths.flatMap { path in
                job.outputRelativePaths(for: path).map { job.outputRoot + "/" + $0 }
            })
            if !stale.isEmpty { printError("note: removed \(stale.count) stale temporary file\(stale.count == 1 ? "" : "s") of an interrupted run") }
        }

        let interrupt = InterruptSignal()
        var progress = RunProgress(total: paths.count, quiet: quiet)
        var written: [ManifestEntry] = []
        var reported = 0
        let wantsEntries = manifest != nil
        let report: (ImageReport) -> Void = { result in
            reported += 1
            switch result {
            case .done(_, let outcome):
                if wantsEntries { written += outcome.entries }
            case .failed(let failure):
                progress.print("error: \(failure)")
            }
            progress.update(done: reported)
        }
        let count = workers ?? CoreCount.available
        let summary: RunSummary
        switch executor {
        case .serial:
            summary = job.runSerially(paths: paths, wantsEntries: wantsEntries, stop: interrupt.stop, report: report)
        case .threads:
            Self.limitBLASThreads(workers: count)
            summary = job.runOnThreads(paths: paths, workers: count, wantsEntries: wantsEntries, stop: interrupt.stop, report: report)
        case .processes:
            let description = JobDescription(input: inputDir, output: outputDir, options: options, source: source,
                                             wantsEntries: wantsEntries)
            let processes = ProcessExecutor(command: [Self.executablePath, WorkerCommand.configuration.commandName!],
                                            workers: count, description: description, environment: Self.workerEnvironment)
            summary = processes.run(job, paths: paths, stop: interrupt.stop, report: report,
                                    warn: { progress.print("warning: \($0)") })
        }
        progress.clear()
        if let failure = summary.workerFailure {
            printError("error: workers: \(failure); \(summary.notAttempted) images not attempted")
        }
        if let stop = summary.stoppedBy {
            printError("error: stopped: \(stop.reason); \(summary.notAttempted) images not attempted")
        }
        if summary.interrupted {
            printError("interrupted: \(summary.notAttempted) images not attempted; rerun with --resume to finish")
        }
        if let manifest {
            do {
                try FileIO.writeAtomically(Array(Manifest(written).text.utf8), to: manifest)
            } catch {
                printError("error: \(error)")
                throw ExitStatus.couldNotRun
            }
        }
        if !quiet {
            print("wrote \(summary.written) images to \(outputDir), \(summary.failed) failed, "
                + (summary.skipped > 0 ? "\(summary.skipped) skipped (already written), " : "")
                + String(format: "in %.2f s (%.1f images/s)", summary.seconds, summary.imagesPerSecond))
        }
        if summary.interrupted { throw ExitStatus.interrupted }
        if summary.stoppedBy != nil || summary.workerFailure != nil { throw ExitStatus.couldNotRun }
        if summary.failed > 0 { throw ExitStatus.someFailed }
    }

    /// The shard to process, or nil for the whole folder.
    private func chosenShard() throws -> Shard? {
        guard let shard else { return nil }
        do {
            if shard == "auto" { return try Shard(environment: ProcessInfo.processInfo.environment, shards: shards) }
            return try Shard(parsing: shard)
        } catch {
            printError("error: --shard \(shard): \(error)")
            throw ExitCode.validationFailure
        }
    }

    /// The manifest to replay, or the pipeline (none: every image as decoded), seed and copies;
    /// read and checked in full before any image is. Also the same as source text, for workers.
    private func readPlan() throws -> (FolderJob.Plan, JobDescription.Source) {
        if let replay {
            do {
                let bytes = try FileIO.read(replay)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw ManifestError(line: 0, reason: "\(replay) is not UTF-8 text")
                }
                let manifest = try Manifest(parsing: text)
                if let entry = manifest.entries.first(where: { $0.transforms.contains(where: \.isNormalize) }) {
                    printError("error: \(replay): \(entry.output): \(Self.normalizeRefusal)")
                    throw ExitCode.validationFailure
                }
                return (.replay(manifest), .replay(manifestText: text))
            } catch let error as ExitCode {
                throw error
            } catch let error as FileError {
                printError("error: \(replay): \(error)")
                throw ExitCode.validationFailure
            } catch {
                printError("error: \(replay): \(error)")
                throw ExitCode.validationFailure
            }
        }
        var augmentation = FolderJob.Augmentation(seed: seed ?? 0, copies: copies ?? 1)
        var text: String?
        var format = PipelineFileFormat.json
        if let pipeline {
            do {
                augmentation.pipeline = try Pipeline(contentsOfFile: pipeline)
                // Read again as text for the workers; the parse above has checked it.
                text = String(decoding: try FileIO.read(pipeline), as: UTF8.self)
                format = PipelineFileFormat(path: pipeline, text: text!)
            } catch {
                printError("error: \(error)")
                throw ExitCode.validationFailure
            }
            if augmentation.pipeline.makesFloatValues {
                let last = augmentation.pipeline.transforms.count - 1
                printError("error: \(pipeline): transforms[\(last)] (normalize): \(Self.normalizeRefusal)")
                throw ExitCode.validationFailure
            }
        }
        return (.augment(augmentation), .augment(pipelineText: text, format: format, seed: augmentation.seed,
                                                   copies: augmentation.copies))
    }

    /// Why `augment run` takes no pipeline ending in `normalize`.
    static let normalizeRefusal = "normalize makes float values, which PNG cannot store; "
        + "it is for training batches (augment batches, planned), not augment run"

    /// Creates the folder of `path` if needed and checks that a file can be written there, so
    /// that a long run does not end unable to write its manifest (or report).
    static func checkWritable(_ path: String, what: String = "the manifest") throws {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        do {
            try FileIO.createFolders(folder)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        if access(folder.isEmpty ? "/" : folder, W_OK | X_OK) != 0 {
            printError("error: \(FileError(path: folder, code: errno, action: "cannot write \(what) in"))")
            throw ExitStatus.couldNotRun
        }
    }
}
