import ArgumentParser
import Augment
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process every PNG below a folder into an output folder, optionally augmenting it.",
        discussion: """
            Walks INPUT_DIR recursively in sorted order and takes every file ending in .png (in \
            any case), skipping hidden entries and symbolic links that lead outside INPUT_DIR. \
            Each image is decoded and written as PNG to the same relative path below OUTPUT_DIR \
            (class sub-folders are kept). Outputs are written atomically: a killed run never \
            leaves a half-written file.

            With --pipeline FILE (JSON, or YAML for .yaml/.yml), each image goes through the \
            pipeline's transforms, for example:
              {"transforms": [{"op": "hflip", "p": 0.5},
                              {"op": "rotate", "angle": [-30, 30]},
                              {"op": "random_resized_crop", "width": 96, "height": 96}]}
            Ops: hflip, vflip, rotate, zoom, crop, center_crop, resize, rotate90, transpose, \
            random_crop, random_resized_crop, one_of. Numbers may be ranges [lo, hi], drawn \
            uniformly per image; every op takes p, the probability of applying it (default 1). \
            The whole file is checked before any image is read.

            The random draws of an image depend only on --seed, its path relative to INPUT_DIR \
            and the copy number: never on the order, the other files or the executor. With \
            --copies K > 1, copy k of name.png is written as name_k.png (k = 0..K-1).

            --manifest FILE writes one JSON line per output (input, output, seed, copy, channels, \
            compression, and what each transform drew, or "skipped"), sorted by input path then \
            copy. --replay FILE makes the outputs a manifest lists again, byte for byte, from \
            INPUT_DIR into OUTPUT_DIR, without drawing; the manifest supplies the pipeline's \
            values, the channel conversion and the compression.

            A file that fails is reported on standard error as `error: <path>: <reason>` and the \
            run goes on; a full or read-only output disk stops the run.

            Exit status: 0 every image was written; 1 one or more images failed; 2 the run could \
            not start or had to stop (missing input folder, output inside the input, output not \
            writable, disk full, manifest not writable); 64 a bad option, pipeline file or \
            manifest to replay.
            """
    )

    @Argument(help: "The folder of PNG images to read.")
    var inputDir: String

    @Option(name: [.customShort("o"), .customLong("out")],
            help: ArgumentHelp("The folder to write to (created if missing).", valueName: "output-dir"))
    var outputDir: String

    @OptionGroup var decoding: DecodingOptions

    @Option(help: ArgumentHelp(
        "PNG compression: fast, default (zlib 6), small (zlib 9), or a zlib level 0-9 (default: fast).",
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

    @Option(help: ArgumentHelp("Make the outputs of a manifest again, byte for byte, without drawing.",
                               valueName: "file"))
    var replay: String?

    @Flag(name: .shortAndLong, help: "Print only errors, no summary.")
    var quiet = false

    func validate() throws {
        if let copies, copies < 1 {
            throw ValidationError("--copies must be at least 1, not \(copies)")
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
        let plan = try readPlan()
        if let manifest { try checkWritable(manifest) }
        let job: FolderJob
        do {
            job = try FolderJob(input: inputDir, output: outputDir,
                                options: .init(decoding: decoding.options, compression: compression ?? .fast),
                                plan: plan)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        for skipped in job.input.skipped {
            printError("warning: \(skipped.relativePath): \(skipped.reason)")
        }
        var written: [ManifestEntry] = []
        let summary = job.runSerially(onFailure: { failure in printError("error: \(failure)") },
                                      onWritten: { entries in if manifest != nil { written += entries } })
        if let stop = summary.stoppedBy {
            printError("error: stopped: \(stop.reason); \(summary.notAttempted) images not attempted")
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
                + String(format: "in %.2f s (%.1f images/s)", summary.seconds, summary.imagesPerSecond))
        }
        if summary.stoppedBy != nil { throw ExitStatus.couldNotRun }
        if summary.failed > 0 { throw ExitStatus.someFailed }
    }

    /// The manifest to replay, or the pipeline (none: every image as decoded), seed and copies;
    /// read and checked in full before any image is.
    private func readPlan() throws -> FolderJob.Plan {
        if let replay {
            do {
                return .replay(try Manifest(contentsOfFile: replay))
            } catch {
                printError("error: \(replay): \(error)")
                throw ExitCode.validationFailure
            }
        }
        var augmentation = FolderJob.Augmentation(seed: seed ?? 0, copies: copies ?? 1)
        if let pipeline {
            do {
                augmentation.pipeline = try Pipeline(contentsOfFile: pipeline)
            } catch {
                printError("error: \(error)")
                throw ExitCode.validationFailure
            }
        }
        return .augment(augmentation)
    }

    /// Creates the folder of `path` if needed and checks that a file can be written there, so
    /// that a long run does not end unable to write its manifest.
    private func checkWritable(_ path: String) throws {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        do {
            try FileIO.createFolders(folder)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        if access(folder.isEmpty ? "/" : folder, W_OK | X_OK) != 0 {
            printError("error: \(FileError(path: folder, code: errno, action: "cannot write the manifest in"))")
            throw ExitStatus.couldNotRun
        }
    }
}
