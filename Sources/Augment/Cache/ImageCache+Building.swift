import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ImageCache {
    /// What goes into a cache: the images below a dataset folder, with their labels.
    public struct Contents: Sendable {
        /// The dataset folder as given (the cache records it with its links resolved).
        public var root: String
        /// The images, sorted by path (UTF-8 bytes), label -1 for none.
        public var samples: [LabelledDataset.Sample]
        public var classes: [String]
        public var labels: ImageCacheMetadata.Labels

        /// Every PNG below `root` (as `augment run` sees the folder), labelled by class folder
        /// when the folder has class folders (as `augment batches` sees it); the images directly
        /// in `root` then have no label.
        ///
        /// - Complexity: two walks of the folder.
        /// - Throws: `DatasetError` when `root` is not a readable folder.
        public init(folder root: String) throws(DatasetError) {
            let folder: ImageFolder
            do { folder = try ImageFolder(root) } catch {
                throw DatasetError(path: root, reason: "cannot read the dataset folder: \(error.reason)")
            }
            self.root = root
            if let dataset = try? LabelledDataset(folderPerClass: root) {
                var labels: [String: Int] = [:]
                for sample in dataset.samples { labels[sample.path] = sample.label }
                samples = folder.relativePaths.map { LabelledDataset.Sample(path: $0, label: labels[$0] ?? -1) }
                classes = dataset.classes
                self.labels = .folders
            } else {
                samples = folder.relativePaths.map { LabelledDataset.Sample(path: $0, label: -1) }
                classes = []
                self.labels = .none
            }
        }

        /// The images a labels CSV lists (`LabelledDataset(root:labelsCSV:)`), and only those.
        ///
        /// - Throws: `DatasetError` as that initialiser.
        public init(folder root: String, labelsCSV path: String) throws(DatasetError) {
            let dataset = try LabelledDataset(root: root, labelsCSV: path)
            let fingerprint = FileIO.fingerprint(path)
            self.root = root
            samples = dataset.samples
            classes = dataset.classes
            labels = .csv(path: FileIO.realPath(path) ?? path, size: fingerprint?.size ?? 0, modified: fingerprint?.modified ?? 0)
        }
    }

    /// How to build a cache.
    public struct BuildOptions: Sendable, Equatable {
        public var resize: ImageCacheMetadata.Resize
        public var maxPixels: Int
        /// Decoding threads, at least 1.
        public var workers: Int

        public init(resize: ImageCacheMetadata.Resize = .none, maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels,
                    workers: Int = CoreCount.available) {
            self.resize = resize
            self.maxPixels = maxPixels
            self.workers = max(workers, 1)
        }
    }

    /// What a build did.
    public struct BuildSummary: Sendable, Equatable {
        /// Images stored, decoded.
        public var decoded: Int
        /// Images that could not be decoded: kept in the index as failed, with the reason.
        public var failures: [ImageFailure]
        /// The cache file's length.
        public var bytes: Int
    }

    /// Builds the cache of `contents` at `output`: `workers` threads read, decode and (with
    /// `resize`) resize the images, and this thread writes them in path order, so the same
    /// files give the same cache bytes whatever the worker count. Streaming: at most
    /// 2 × workers decoded images are held at once, whatever the dataset's size (the index,
    /// 64 bytes and a path per image, is kept until the end). Crash-safe: the file is written
    /// under a temporary name beside `output` (`.<name>.tmp-<pid>-<n>`), its header last, and
    /// renamed over `output` only when complete and synced; on any failure, or when
    /// `shouldStop` turns true, the temporary file is removed and `output` is left as it was.
    ///
    /// An image that cannot be read or decoded does not stop the build: it is recorded in the
    /// index as failed, with its reason. `written` is called on this thread after each image,
    /// with the number done and the image's failure, if any.
    ///
    /// - Complexity: O(file sizes + pixels) work, spread over the workers.
    /// - Throws: `ImageCacheError` naming `output` when it cannot be written (a full disk), or
    ///   "stopped" when `shouldStop` ended the build.
    public static func build(_ contents: Contents, to output: String, options: BuildOptions = .init(),
                             shouldStop: @escaping @Sendable () -> Bool = { false },
                             written: (_ done: Int, _ failure: ImageFailure?) -> Void = { _, _ in }) throws(ImageCacheError) -> BuildSummary {
        try build(contents, to: output, options: options, producer: AugmentVersion.description, shouldStop: shouldStop,
                  written: written)
    }

    /// `build(_:to:options:shouldStop:written:)` recording another producer: for tests of the
    /// version check.
    static func build(_ contents: Contents, to output: String, options: BuildOptions, producer: String,
                      shouldStop: @escaping @Sendable () -> Bool = { false },
                      written: (_ done: Int, _ failure: ImageFailure?) -> Void = { _, _ in }) throws(ImageCacheError) -> BuildSummary {
        let file = try CacheFileWriter(output: output)
        var completed = false
        defer { if !completed { file.discard() } }
        let decoder = ParallelDecoder(contents: contents, options: options, shouldStop: shouldStop)
        defer { decoder.finish() }

        var records: [Layout.Record] = []
        records.reserveCapacity(contents.samples.count)
        var names: [UInt8] = []
        var failures: [String: String] = [:]
        var failedImages: [ImageFailure] = []
        var offset = Layout.headerSize
        try file.write([UInt8](repeating: 0, count: Layout.headerSize), at: 0)
        for sample in contents.samples {
            guard let decoded = decoder.next(), !shouldStop() else {
                throw ImageCacheError(path: output, reason: "stopped before the cache was complete; nothing was written")
            }
            var record = Layout.Record(dataOffset: 0, width: 0, height: 0, channels: 0, status: .failed,
                                       label: Int32(truncatingIfNeeded: sample.label), checksum: XXHash64.hash([]),
                                       pathOffset: UInt64(names.count), pathLength: UInt32(sample.path.utf8.count),
                                       sourceSize: decoded.fingerprint?.size ?? 0, sourceModified: decoded.fingerprint?.modified ?? 0)
            names += sample.path.utf8
            switch decoded.result {
            case .success(let image):
                offset = (offset + Layout.imageAlignment - 1) / Layout.imageAlignment * Layout.imageAlignment
                try file.write(image.pixels, at: offset)
                record.dataOffset = UInt64(offset)
                record.width = UInt32(image.width)
                record.height = UInt32(image.height)
                record.channels = UInt8(image.channels)
                record.status = .decoded
                record.checksum = decoded.checksum
                offset += image.pixels.count
            case .failure(let failure):
                failures[sample.path] = failure.reason
                failedImages.append(failure)
            }
            records.append(record)
            written(records.count, record.status == .failed ? failedImages.last : nil)
        }
        let metadata = ImageCacheMetadata(
            producer: producer, source: FileIO.realPath(contents.root) ?? contents.root,
            labels: contents.labels, classes: contents.classes, resize: options.resize, maxPixels: options.maxPixels,
            failures: failures)
        var catalog = WireWriter()
        for record in records { record.write(to: &catalog) }
        catalog.raw(names)
        catalog.raw(Array(metadata.document.jsonText.utf8))
        let indexOffset = (offset + Layout.imageAlignment - 1) / Layout.imageAlignment * Layout.imageAlignment
        let namesOffset = indexOffset + records.count * Layout.recordSize
        let metadataOffset = namesOffset + names.count
        let header = Layout.Header(
            count: UInt64(records.count), indexOffset: UInt64(indexOffset), namesOffset: UInt64(namesOffset),
            namesLength: UInt64(names.count), metadataOffset: UInt64(metadataOffset),
            metadataLength: UInt64(catalog.bytes.count - (metadataOffset - indexOffset)),
            fileLength: UInt64(indexOffset + catalog.bytes.count), catalogChecksum: XXHash64.hash(catalog.bytes))
        try file.write(catalog.bytes, at: indexOffset)
        try file.write(header.bytes, at: 0)
        completed = true  // from here on, commit() cleans up after itself
        try file.commit()
        return BuildSummary(decoded: records.count - failedImages.count, failures: failedImages,
                            bytes: indexOffset + catalog.bytes.count)
    }

    /// The cache's stored image for one file: decoded natively (no channel conversion: the
    /// cache serves every `--channels`), then resized as asked.
    static func decodeForCache(_ path: String, relativePath: String,
                               options: BuildOptions) -> (Result<Image, ImageFailure>, fingerprint: FileFingerprint?) {
        func failure(_ reason: String) -> ImageFailure { ImageFailure(relativePath: relativePath, reason: reason, stopsTheRun: false) }
        let fingerprint = FileIO.fingerprint(path)
        do {
            var image = try PNG.decode(try FileIO.readRegularFile(path), options: .init(maxPixels: options.maxPixels))
            let size: Size? = switch options.resize {
            case .none: nil
            case .size(let size): size
            case .maxSide(let side):
                max(image.width, image.height) <= side ? nil : {
                    let scale = Double(side) / Double(max(image.width, image.height))
                    return Size(width: max(1, Int((Double(image.width) * scale).rounded())),
                                height: max(1, Int((Double(image.height) * scale).rounded())))
                }()
            }
            if let size, size != Size(width: image.width, height: image.height) {
                image = try Geometry.apply([.resize(width: size.width, height: size.height, interpolation: .area)], to: image)
            }
            return (.success(image), fingerprint)
        } catch let error as FileError {
            return (.failure(failure(error.reason)), fingerprint)
        } catch {
            return (.failure(failure("\(error)")), fingerprint)
        }
    }
}

/// The decoding side of a build: worker threads decode images in path order into a ring of
/// 2 × workers slots, and the writer takes them in order. A worker claims the next image only
/// when a slot is free, so memory holds at most that many decoded images.
///
/// `@unchecked Sendable`: the slots are guarded by `slots`' lock and handed over by the
/// per-slot semaphores; `threads` is touched by the owner alone.
private final class ParallelDecoder: @unchecked Sendable {
    struct Decoded {
        var result: Result<Image, ImageFailure>
        var fingerprint: FileFingerprint?
        var checksum: UInt64
    }

    private let contents: ImageCache.Contents
    private let options: ImageCache.BuildOptions
    private let shouldStop: @Sendable () -> Bool
    private let capacity: Int
    private let slots: LockedState<(decoded: [Decoded?], claimed: Int)>
    private let free: DispatchSemaphore
    private let ready: [DispatchSemaphore]
    private let stopping = Atomic<Bool>(false)
    private var threads: [OSThread] = []
    private var taken = 0

    init(contents: ImageCache.Contents, options: ImageCache.BuildOptions, shouldStop: @escaping @Sendable () -> Bool) {
        self.contents = contents
        self.options = options
        self.shouldStop = shouldStop
        capacity = 2 * options.workers
        slots = LockedState(([Decoded?](repeating: nil, count: capacity), 0))
        // Created at 0 and raised: libdispatch traps when a semaphore is freed below its initial value.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { free.signal() }
        ready = (0..<capacity).map { _ in DispatchSemaphore(value: 0) }
        threads = (0..<options.workers).map { _ in OSThread { [self] in work() } }
    }

    private func work() {
        while true {
            free.wait()
            if stopping.load(ordering: .acquiring) || shouldStop() { return }
            let index: Int? = slots.withLock { state in
                guard state.claimed < contents.samples.count else { return nil }
                defer { state.claimed += 1 }
                return state.claimed
            }
            guard let index else { return }
            let sample = contents.samples[index]
            let (result, fingerprint) = ImageCache.decodeForCache(contents.root + "/" + sample.path,
                                                                  relativePath: sample.path, options: options)
            let checksum = (try? result.get()).map { XXHash64.hash($0.pixels) } ?? 0
            slots.withLock { $0.decoded[index % capacity] = Decoded(result: result, fingerprint: fingerprint, checksum: checksum) }
            ready[index % capacity].signal()
        }
    }

    /// The next image in path order, once decoded; nil when the build is stopping.
    func next() -> ParallelDecoder.Decoded? {
        let slot = taken % capacity
        while ready[slot].wait(timeout: .now() + .milliseconds(200)) == .timedOut {
            if shouldStop() { return nil }
        }
        taken += 1
        let decoded = slots.withLock { state in
            defer { state.decoded[slot] = nil }
            return state.decoded[slot]
        }
        free.signal()
        return decoded
    }

    /// Stops the workers (each ends after its current image) and waits for them.
    func finish() {
        stopping.store(true, ordering: .releasing)
        for _ in threads { free.signal() }
        for thread in threads { thread.join() }
        threads.removeAll()
    }
}

/// The cache file being written: a temporary file beside the output, renamed over it by `commit()`.
private struct CacheFileWriter {
    let output: String
    let temporary: String
    let descriptor: Int32

    init(output: String) throws(ImageCacheError) {
        let (folder, name) = FileIO.split(output)
        // What a killed build of the same output left behind (its process is gone).
        for pid in FileIO.temporaryWriters(of: output) where kill(pid, 0) != 0 && errno == ESRCH {
            FileIO.removeTemporaries(of: [output], writtenBy: pid)
        }
        var temporary = ""
        var descriptor: Int32 = -1
        var attempt = 0
        repeat {
            attempt += 1
            temporary = "\(folder)/.\(name).tmp-\(getpid())-\(attempt)"
            descriptor = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        } while descriptor < 0 && errno == EEXIST
        if descriptor < 0 {
            throw ImageCacheError(path: output, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.output = output
        self.temporary = temporary
        self.descriptor = descriptor
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(ImageCacheError) {
        var written = 0
        while written < bytes.count {
            let done = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(offset + written)) }
            if done < 0 {
                if errno == EINTR { continue }
                throw ImageCacheError(path: output, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            written += done
        }
    }

    /// Syncs the file (a cache is trusted for many epochs: it must be on disk before its name
    /// is), closes it and renames it over the output; on failure, removes it.
    func commit() throws(ImageCacheError) {
        var failure: Int32 = 0
        if fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, output) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw ImageCacheError(path: output, reason: "cannot write: \(String(cString: strerror(failure)))")
        }
    }

    func discard() {
        close(descriptor)
        unlink(temporary)
    }
}
