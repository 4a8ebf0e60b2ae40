import ArgumentParser
import Augment
import Foundation

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Decode a dataset once into a memory-mapped cache file that batches and run read in place of the folder.",
        discussion: """
            Reads every PNG below DATASET as augment run does (or, with --labels, the images a \
            labels CSV lists), decodes each with its own channels, and writes them all to FILE: \
            one contiguous range of pixels per image, with a header, an index (path, label, \
            shape, XXH64 checksum) and the class names (layout: docs/cache-format.md). \
            augment batches FILE and augment run FILE then read the decoded pixels instead of \
            the PNGs and make the same bytes as from the folder (unless --max-side or --size \
            resized the images, which makes a smaller, different dataset).

            The file is written under a temporary name beside FILE and renamed when complete, \
            so FILE is never half-written; the images are decoded by --workers threads and \
            streamed to disk in path order, so memory does not grow with the dataset.

            A cache is refused when it is damaged (truncated, or bytes that do not match their \
            checksums; each image's are checked the first time a run reads it), when another version of \
            augment built it, or when the dataset folder has changed since (an image added, \
            removed or modified): rebuild it then.

            An image that cannot be read or decoded is reported as `error: <path>: <reason>` and \
            recorded as failed (a run over the cache reports it again, as over the folder). \
            Exit status: 0 every image was cached; 1 some failed (the cache holds the rest); \
            2 the dataset is missing or the file cannot be written; 64 a bad option; 130 Ctrl-C \
            (nothing written).
            """
    )

    @Argument(help: "The dataset folder: a folder per class, any folder of PNGs, or images with --labels.")
    var dataset: String

    @Option(help: ArgumentHelp("The cache file to write.", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("A CSV of path,label rows (as augment batches takes): cache only these images, with these labels.",
                               valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("Shrink images whose longer side is over this, keeping the aspect ratio (area averaging).",
                               valueName: "pixels"))
    var maxSide: Int?

    @Option(help: ArgumentHelp("Resize every image to exactly this size (area averaging when shrinking).", valueName: "WxH"))
    var size: String?

    @Option(help: "Refuse images with more pixels than this, from their header, before decoding.")
    var maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels

    @Option(help: ArgumentHelp("Decoding threads (default: the cores this process may use, \(CoreCount.available) here).",
                               valueName: "n"))
    var workers: Int?

    @Flag(name: .shortAndLong, help: "Print only errors: no progress, no summary.")
    var quiet = false

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        if maxPixels <= 0 { throw ValidationError("--max-pixels must be positive, not \(maxPixels)") }
        if let maxSide, maxSide < 1 { throw ValidationError("--max-side must be at least 1, not \(maxSide)") }
        if maxSide != nil && size != nil { throw ValidationError("give --max-side or --size, not both") }
        if size != nil && parsedSize == nil { throw ValidationError("--size must be WIDTHxHEIGHT, e.g. 256x256, not \(size!)") }
    }

    private var parsedSize: Size? {
        guard let parts = size?.lowercased().split(separator: "x", omittingEmptySubsequences: false), parts.count == 2,
              let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else { return nil }
        return Size(width: width, height: height)
    }

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        BLAS.stopIdleThreads()  // this command makes no matrix products
        if FileIO.isFolder(out) {
            printError("error: \(out) is a folder; --out takes the cache file's path")
            throw ExitStatus.couldNotRun
        }
        let contents: ImageCache.Contents
        do {
            contents = try labels.map { try ImageCache.Contents(folder: dataset, labelsCSV: $0) } ?? ImageCache.Contents(folder: dataset)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        if contents.samples.isEmpty {
            printError("error: no PNG files found below \(dataset)")
            throw ExitStatus.couldNotRun
        }
        let resize: ImageCacheMetadata.Resize = parsedSize.map { .size($0) } ?? maxSide.map { .maxSide($0) } ?? .none
        let options = ImageCache.BuildOptions(resize: resize, maxPixels: maxPixels, workers: workers ?? CoreCount.available)
        let interrupt = InterruptSignal()
        let stop = interrupt.stop
        var progress = RunProgress(total: contents.samples.count, quiet: quiet)
        let start = Date()
        let summary: ImageCache.BuildSummary
        do {
            summary = try ImageCache.build(contents, to: out, options: options, shouldStop: { stop.isRequested }) { done, failure in
                if let failure { progress.print("error: \(failure)") }
                progress.update(done: done)
            }
        } catch {
            progress.clear()
            printError("error: \(error)")
            throw stop.isRequested ? ExitStatus.interrupted : ExitStatus.couldNotRun
        }
        progress.clear()
        if !quiet {
            let seconds = Date().timeIntervalSince(start)
            let mebibytes = Double(summary.bytes) / 1_048_576
            printError("cached \(summary.decoded) images\(summary.failures.isEmpty ? "" : " (\(summary.failures.count) failed)") "
                + "in \(out): \(String(format: "%.1f", mebibytes)) MiB, \(String(format: "%.1f", seconds)) s, "
                + "\(String(format: "%.0f", Double(contents.samples.count) / max(seconds, 1e-9))) images/s")
        }
        if !summary.failures.isEmpty { throw ExitStatus.someFailed }
    }
}
