import ArgumentParser
import Augment
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per-channel mean, standard deviation, covariance and its eigenvectors over every pixel of a folder of PNGs.",
        discussion: """
            Walks INPUT_DIR as augment run does (every .png below it, in sorted order) and \
            computes, over all pixels of all images, on the 0-255 scale: each channel's mean and \
            standard deviation (population, as numpy's default), the channel covariance matrix \
            and its eigenvalues (descending) and eigenvectors (each with its largest component \
            positive). Alpha is a channel like any other; --channels 3 leaves it out. The sums \
            are exact integers (OpenBLAS ssyrk over blocks of 256 pixels), so the figures do not \
            depend on --workers or the order of the files.

            All images must decode to the same number of channels: convert them with \
            --channels 1, 3 or 4 otherwise.

            --json FILE also writes {"count": pixels, "images", "channels", "mean", "std", \
            "covariance", "eigenvalues", "eigenvectors"}, where eigenvectors[i] belongs to \
            eigenvalues[i]; normalize (with max_pixel_value 1) and pca_lighting take these figures.

            A file that cannot be read is reported as `error: <path>: <reason>` and left out. \
            Exit status: 0 every image was read; 1 one or more were not (the figures cover the \
            rest); 2 the folder is missing or holds no PNG, the images have different channel \
            counts, or the JSON cannot be written; 64 a bad option.
            """
    )

    @Argument(help: "The folder of PNG images to read.")
    var inputDir: String

    @OptionGroup var decoding: DecodingOptions

    @Option(help: ArgumentHelp("Threads to use (default: the cores this process may use, \(CoreCount.available) here).",
                               valueName: "n"))
    var workers: Int?

    @Option(help: ArgumentHelp("Also write the figures as JSON to this file.", valueName: "file"))
    var json: String?

    @Flag(name: .shortAndLong, help: "Print only errors: no progress, no table.")
    var quiet = false

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
    }

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        let folder: ImageFolder
        do {
            folder = try ImageFolder(inputDir)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        for skipped in folder.skipped {
            printError("warning: \(skipped.relativePath): \(skipped.reason)")
        }
        guard !folder.relativePaths.isEmpty else {
            printError("error: no PNG files found below \(inputDir)")
            throw ExitStatus.couldNotRun
        }
        var progress = RunProgress(total: folder.relativePaths.count, quiet: quiet)
        var done = 0
        let scan = ChannelStatistics.scan(folder, paths: folder.relativePaths, decoding: decoding.options,
                                          workers: workers ?? CoreCount.available) { failure in
            done += 1
            if let failure { progress.print("error: \(failure)") }
            progress.update(done: done)
        }
        progress.clear()
        let combined: ChannelStatistics?
        do {
            combined = try scan.combined()
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        guard let combined else {
            printError("error: no image below \(inputDir) could be read")
            throw ExitStatus.someFailed
        }
        let statistics = DatasetStatistics(combined)
        if !quiet { print(Self.table(statistics), terminator: "") }
        if let json {
            do {
                try FileIO.writeAtomically(Array((statistics.document.jsonText + "\n").utf8), to: json)
            } catch {
                printError("error: \(error)")
                throw ExitStatus.couldNotRun
            }
        }
        if !scan.failures.isEmpty { throw ExitStatus.someFailed }
    }
}
