#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a folder job could not start.
public enum FolderJobError: Error, Equatable, Sendable, CustomStringConvertible {
    case input(FileError)
    /// The input is a cache file that cannot be used.
    case cache(ImageCacheError)
    case output(FileError)
    /// The output folder is the input folder or lies inside it: the job would feed on its own output.
    case outputInsideInput(input: String, output: String)

    public var description: String {
        switch self {
        case .input(let error), .output(let error):
            error.description
        case .cache(let error):
            error.description
        case .outputInsideInput(let input, let output):
            "the output folder \(output) is inside the input folder \(input); choose one outside it"
        }
    }
}

/// One image that could not be processed.
public struct ImageFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image's path relative to the input folder.
    public var relativePath: String
    public var reason: String
    /// True when the failure is the output's, not the image's (a full or read-only disk), so
    /// that every later image would fail the same way and the run should stop.
    public var stopsTheRun: Bool

    public var description: String { "\(relativePath): \(reason)" }
}

/// The folder job: every PNG below an input folder (or every image of a cache built from one,
/// `ImageSource`) is read, decoded, transformed and written, as PNG, below the output folder:
/// to the same relative path, or as numbered copies.
///
/// A job is immutable and `Sendable`: executors call `process(_:)` for each path, from any
/// thread, in any order, and get the same bytes: what an image draws depends only on the seed,
/// its relative path and the copy number (`Pipeline.draw(seed:path:copy:size:channels:)`).
public struct FolderJob: Sendable {
    public struct Options: Sendable, Equatable {
        public var decoding: PNG.DecodingOptions
        public var compression: PNG.Compression
        /// Skip an image whose outputs all exist already (`attempt(_:wantsEntries:)`): outputs are
        /// written atomically, so an existing one is complete.
        public var resume: Bool

        public init(decoding: PNG.DecodingOptions = .init(), compression: PNG.Compression = .fast, resume: Bool = false) {
            self.decoding = decoding
            self.compression = compression
            self.resume = resume
        }
    }

    public let input: ImageSource
    public let outputRoot: String
    /// How images are decoded and encoded. When replaying, each manifest entry's own channel
    /// conversion and compression are used instead; the pixel limit still applies.
    public let options: Options
    public let plan: Plan
    /// The manifest's entries of each input, when replaying.
    private let replayEntries: [String: [ManifestEntry]]

    /// Lists the input and prepares the output folder.
    ///
    /// - Throws: `FolderJobError` when the input is not a readable folder or a usable cache, the
    ///   output is the input folder or inside it, or the output folder cannot be created or written.
    public init(input: String, output: String, options: Options = .init(), plan: Plan = .copy) throws(FolderJobError) {
        guard FileIO.realPath(input) != nil else {
            throw .input(FileError(path: input, code: errno, action: "cannot read input folder"))
        }
        if FileIO.isFolder(input) && ImageFolder.path(output, isInside: input) {
            throw .outputInsideInput(input: input, output: output)
        }
        do { self.input = try ImageSource.open(input) } catch {
            switch error {
            case .folder(let error): throw .input(error)
            case .cache(let error): throw .cache(error)
            }
        }
        do { try FileIO.createFolders(output) } catch { throw .output(error) }
        if access(output, W_OK | X_OK) != 0 {
            throw .output(FileError(path: output, code: errno, action: "cannot write to output folder"))
        }
        self.outputRoot = output
        self.options = options
        self.plan = plan
        self.replayEntries = Self.replayEntries(of: plan)
    }

    /// A job on a folder that is not listed or a cache that is not checked against its source
    /// (`relativePaths` is empty unless replaying): what a worker process builds, since its
    /// parent lists and checks, and hands it the paths. The output folder is not created or
    /// checked; the parent did that.
    ///
    /// - Throws: `ImageSource.OpenError` for a cache that cannot be mapped or is damaged.
    init(unlistedInput input: String, output: String, options: Options, plan: Plan) throws(ImageSource.OpenError) {
        self.input = try ImageSource.open(input, listing: false)
        self.outputRoot = output
        self.options = options
        self.plan = plan
        self.replayEntries = Self.replayEntries(of: plan)
    }

    /// A replay's manifest entries by input path; empty for any other plan.
    private static func replayEntries(of plan: Plan) -> [String: [ManifestEntry]] {
        if case .replay(let manifest) = plan { return manifest.entriesByInput }
        return [:]
    }

    /// The manifest entries of one input when replaying (empty for an input the manifest does not list).
    func replayEntries(for relativePath: String) -> [ManifestEntry] { replayEntries[relativePath] ?? [] }

    /// The paths, relative to the input folder, of the images to process: every PNG in the
    /// folder, or when replaying, the manifest's inputs (in its order, input paths sorted).
    public var relativePaths: [String] {
        if case .replay(let manifest) = plan { return manifest.inputs }
        return input.relativePaths
    }

    /// Reads and decodes one image, draws (or, replaying, looks up) what to do with each of its
    /// outputs, applies the operations in fused passes (`[DrawnTransform].apply(to:)`), encodes and
    /// atomically writes every output. Every copy is drawn before any is written.
    ///
    /// - Returns: the manifest entries of the outputs written, in copy order.
    /// - Complexity: O(file size + pixels × copies).
    /// - Throws: `ImageFailure` for an unreadable or invalid file, a transform that does not
    ///   fit the image, or an output that cannot be written (`stopsTheRun` when the disk is
    ///   full or read-only).
    @discardableResult
    public func process(_ relativePath: String) throws(ImageFailure) -> [ManifestEntry] {
        func failure(_ reason: String, stopsTheRun: Bool = false) -> ImageFailure {
            ImageFailure(relativePath: relativePath, reason: reason, stopsTheRun: stopsTheRun)
        }
        // The image as decoded, then by channel conversion: one, except for a manifest that
        // mixes them. (`PNG.decode` with a channel count converts the same way.)
        let native = try input.image(relativePath, maxPixels: options.decoding.maxPixels)
        var converted: [Int: Image] = [:]
        func image(channels: Int?) -> Image {
            guard let channels else { return native }
            if let image = converted[channels] { return image }
            let image = native.converted(toChannels: channels)
            converted[channels] = image
            return image
        }
        let entries: [ManifestEntry]
        switch plan {
        case .augment(let augmentation):
            let source = image(channels: options.decoding.channels)
            entries = try drawEntries(for: relativePath, size: Size(width: source.width, height: source.height),
                                      channels: source.channels, augmentation: augmentation)
        case .replay:
            entries = replayEntries[relativePath] ?? []
        }
        for entry in entries {
            let encoded: [UInt8]
            do {
                let source = image(channels: entry.channels)
                let result = try entry.transforms.apply(to: source)
                encoded = try PNG.encode(result, compression: entry.compression)
            } catch let error as ImageFailure {
                throw error
            } catch {
                throw failure(entries.count > 1 ? "\(entry.output): \(error)" : "\(error)")
            }
            let destination = outputRoot + "/" + entry.output
            do {
                try FileIO.createFolders(FileIO.split(destination).folder)
                try FileIO.writeAtomically(encoded, to: destination)
            } catch {
                throw failure(error.description, stopsTheRun: error.stopsTheRun)
            }
        }
        return entries
    }

    /// Draws every copy of one image of `size` with `channels` channels (after conversion).
    func drawEntries(for relativePath: String, size: Size, channels: Int,
                     augmentation: Augmentation) throws(ImageFailure) -> [ManifestEntry] {
        var entries: [ManifestEntry] = []
        for copy in 0..<augmentation.copies {
            let drawn: [DrawnTransform]
            do {
                drawn = try augmentation.pipeline.draw(seed: augmentation.seed, path: relativePath, copy: copy,
                                                       size: size, channels: channels)
            } catch {
                let prefix = augmentation.copies > 1 ? "copy \(copy): " : ""
                throw ImageFailure(relativePath: relativePath, reason: prefix + error.description, stopsTheRun: false)
            }
            entries.append(ManifestEntry(
                input: relativePath, output: augmentation.outputRelativePath(for: relativePath, copy: copy),
                seed: augmentation.seed, copy: copy, channels: options.decoding.channels,
                compression: options.compression, transforms: drawn))
        }
        return entries
    }
}
