import ArgumentParser
import Augment

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe PNG files or image caches, or say why they are not valid.",
        discussion: """
            Prints, for each file: width, height, colour type, bit depth, interlacing, and the \
            number of channels it decodes to. Every file is decoded in full, so damage anywhere \
            (such as a bad checksum in the image data) is found.

            For a cache from augment cache: its images, failures, classes, labels, resize, size \
            and source folder, after checking every checksum and the source folder (a cache \
            whose folder has changed since is reported as an error).

            Exit status: 0 every file is a valid PNG or cache; 1 one or more are not.
            """
    )

    @Argument(help: "PNG files or image caches to describe.")
    var files: [String]

    @Option(help: "Refuse images with more pixels than this, from their header, before decoding.")
    var maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels

    func run() throws {
        var invalid = 0
        for file in files {
            if ImageCache.looksLikeCache(file) {
                do { print(try Self.describeCache(file)) } catch {
                    invalid += 1
                    printError("error: \(error)")
                }
                continue
            }
            do {
                let bytes = try FileIO.read(file)
                let header = try PNG.header(of: bytes, maxPixels: maxPixels)
                _ = try PNG.decode(bytes, options: .init(maxPixels: maxPixels))
                print("\(file): \(header.width)x\(header.height), \(header.colorType), "
                    + "\(header.bitDepth)-bit, \(header.interlaced ? "interlaced (Adam7)" : "not interlaced"), "
                    + "\(header.hasTransparency ? "tRNS, " : "")decodes to \(header.decodedChannels) "
                    + "channel\(header.decodedChannels == 1 ? "" : "s")")
            } catch let error as FileError {
                invalid += 1
                printError("error: \(file): \(error.reason)")
            } catch {
                invalid += 1
                printError("error: \(file): \(error)")
            }
        }
        if invalid > 0 { throw ExitStatus.someFailed }
    }

    /// `train.augc: image cache of /data/train, 2000 images (1 failed), 10 classes from class folders, as decoded, 375.2 MiB, built by augment 0.3.0 (libpng 1.6.39)`.
    static func describeCache(_ path: String) throws(ImageCacheError) -> String {
        let cache = try ImageCache(path: path)
        try cache.verifyAllPixels()
        try cache.checkSource()
        let metadata = cache.metadata
        let labels = switch metadata.labels {
        case .none: "no labels"
        case .folders: "\(metadata.classes.count) classes from class folders"
        case .csv(let csv, _, _): "\(metadata.classes.count) classes from \(csv)"
        }
        let resize = metadata.resize == .none ? "as decoded" : "resized: \(metadata.resize)"
        let mebibytes = (Double(cache.fileLength) / 1_048_576 * 10).rounded() / 10
        return "\(path): image cache of \(metadata.source), \(cache.count) images"
            + (metadata.failures.isEmpty ? "" : " (\(metadata.failures.count) failed)")
            + ", \(labels), \(resize), \(mebibytes) MiB, built by augment \(metadata.producer)"
    }
}
