import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cache file that cannot be used: its path and why.
public struct ImageCacheError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A decoded-image cache (`augment cache`), opened read-only through a memory mapping: every
/// image is one contiguous range of the file, read in place, and checked against its XXH64
/// checksum the first time this process reads it, so a corrupted byte is named, never passed on
/// as pixels. (Once is enough: the mapping is read-only, and `augment cache` replaces a cache by
/// renaming a new file over it, which leaves a mapped file's bytes as they were.)
///
/// Opening checks the header, the file's length (a truncated file is refused), the catalog's
/// checksum, the format version and the program version that built it.
///
/// `@unchecked Sendable`: the mapping is read-only and every stored property is immutable.
public final class ImageCache: @unchecked Sendable {
    /// One image of the cache.
    public struct Entry: Sendable, Equatable {
        /// Relative to the dataset folder it was built from, `/`-separated.
        public var path: String
        /// The class index, or -1.
        public var label: Int
        public var width: Int
        public var height: Int
        public var channels: Int
        /// Why the image could not be decoded when the cache was built, or nil.
        public var failure: String?
    }

    /// The file as given.
    public let path: String
    public let metadata: ImageCacheMetadata
    /// The number of images (decoded or failed).
    public let count: Int
    private let base: UnsafeRawPointer
    private let length: Int
    private let header: Layout.Header
    /// Per image: 1 once its pixels have matched their checksum in this process.
    private let verified: UnsafeMutablePointer<Atomic<UInt8>>

    /// Maps and checks `path`.
    ///
    /// - Complexity: O(catalog size) for its checksum and parse; the images are not read.
    /// - Throws: `ImageCacheError` naming the file: not a cache, truncated, corrupted header or
    ///   catalog, another format version, built by another version of the program.
    public init(path: String) throws(ImageCacheError) {
        func fail(_ reason: String) -> ImageCacheError { ImageCacheError(path: path, reason: reason) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw fail("cannot read the cache: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("cannot read the cache: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail("not a folder or a cache file") }
        let length = Int(status.st_size)
        let notACache = "not a folder, and not an image cache (it does not start with AUGCACHE); build one with augment cache"
        guard length >= Layout.magic.count else { throw fail(notACache) }
        guard let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw fail("cannot map the cache into memory: \(String(cString: strerror(errno)))")
        }
        let base = UnsafeRawPointer(mapping)
        var mapped = true
        defer { if mapped { munmap(mapping, length) } }
        guard UnsafeRawBufferPointer(start: base, count: Layout.magic.count).elementsEqual(Layout.magic) else { throw fail(notACache) }
        guard length >= Layout.headerChecksummed + 8 else {
            throw fail("truncated: \(length) bytes, shorter than a cache's header")
        }
        let headerBytes = UnsafeRawBufferPointer(start: base, count: Layout.headerChecksummed + 8)
        var reader = WireReader(Array(headerBytes), offset: 8)
        func field() -> UInt64 { (try? reader.u64()) ?? 0 }
        let version = (try? reader.u32()) ?? 0
        guard version == Layout.formatVersion else {
            throw fail("cache format version \(version); this augment reads version \(Layout.formatVersion): rebuild it with augment cache")
        }
        guard XXHash64.hash(UnsafeRawBufferPointer(rebasing: headerBytes.prefix(Layout.headerChecksummed)))
                == UInt64(littleEndian: base.loadUnaligned(fromByteOffset: Layout.headerChecksummed, as: UInt64.self)) else {
            throw fail("corrupted: the header does not match its checksum")
        }
        _ = (try? reader.u32())  // the header size, fixed in version 1
        let header = Layout.Header(count: field(), indexOffset: field(), namesOffset: field(), namesLength: field(),
                                   metadataOffset: field(), metadataLength: field(), fileLength: field(),
                                   catalogChecksum: field())
        guard header.fileLength == UInt64(length) else {
            throw fail(UInt64(length) < header.fileLength
                       ? "truncated: \(length) bytes of the \(header.fileLength) its header gives"
                       : "\(length) bytes where its header gives \(header.fileLength): something was appended")
        }
        // The catalog's parts follow each other to the end of the file (sums checked for
        // overflow: a wrapped sum could otherwise pass for a small offset).
        func sum(_ a: UInt64, _ b: UInt64) -> UInt64? {
            let (total, overflow) = a.addingReportingOverflow(b)
            return overflow ? nil : total
        }
        let (indexLength, overflow) = header.count.multipliedReportingOverflow(by: UInt64(Layout.recordSize))
        guard !overflow, header.indexOffset >= UInt64(Layout.headerSize), header.indexOffset <= header.fileLength,
              sum(header.indexOffset, indexLength) == header.namesOffset, header.namesOffset <= header.fileLength,
              sum(header.namesOffset, header.namesLength) == header.metadataOffset, header.metadataOffset <= header.fileLength,
              sum(header.metadataOffset, header.metadataLength) == header.fileLength else {
            throw fail("corrupted: the header's offsets do not fit the file")
        }
        let catalog = UnsafeRawBufferPointer(start: base + Int(header.indexOffset), count: length - Int(header.indexOffset))
        guard XXHash64.hash(catalog) == header.catalogChecksum else {
            throw fail("corrupted: the index does not match its checksum")
        }
        let metadataBytes = UnsafeRawBufferPointer(start: base + Int(header.metadataOffset), count: Int(header.metadataLength))
        guard let text = String(validating: metadataBytes, as: UTF8.self),
              let document = try? DocumentValue(parsingJSON: text), let metadata = ImageCacheMetadata(document) else {
            throw fail("corrupted: its metadata cannot be read")
        }
        guard metadata.producer == AugmentVersion.description else {
            throw fail("built by augment \(metadata.producer); this is augment \(AugmentVersion.description): rebuild it with augment cache")
        }
        // Every record's ranges, checked once here, so that reading never leaves the mapping.
        for index in 0..<Int(header.count) {
            guard let record = Self.record(at: index, base: base, header: header),
                  let pathEnd = sum(record.pathOffset, UInt64(record.pathLength)), pathEnd <= header.namesLength,
                  record.status == .failed || (record.dataOffset >= UInt64(Layout.headerSize)
                      && (1...4).contains(record.channels)
                      && record.fits(before: header.indexOffset)) else {
                throw fail("corrupted: index record \(index) does not fit the file")
            }
        }
        self.path = path
        self.base = base
        self.length = length
        self.header = header
        self.count = Int(header.count)
        self.metadata = metadata
        verified = .allocate(capacity: max(count, 1))
        for index in 0..<count { (verified + index).initialize(to: Atomic(0)) }
        mapped = false
    }

    /// True when the file at `path` starts as a cache does (its magic), whatever else it holds.
    public static func looksLikeCache(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var magic = [UInt8](repeating: 0, count: Layout.magic.count)
        return magic.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) } == magic.count && magic == Layout.magic
    }

    /// Checks every image's pixels against its checksum (`withPixels(at:_:)` checks each when it
    /// is first read; this reads them all now).
    ///
    /// - Complexity: O(file size).
    /// - Throws: `ImageCacheError` naming the first image whose pixels do not match.
    public func verifyAllPixels() throws(ImageCacheError) {
        for index in 0..<count where entry(at: index).failure == nil { try withPixels(at: index) { _ in } }
    }

    /// The file's length in bytes.
    public var fileLength: Int { length }

    deinit {
        verified.deinitialize(count: count)
        verified.deallocate()
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    private static func record(at index: Int, base: UnsafeRawPointer, header: Layout.Header) -> Layout.Record? {
        Layout.Record(at: base + Int(header.indexOffset) + index * Layout.recordSize)
    }

    private func record(at index: Int) -> Layout.Record? { Self.record(at: index, base: base, header: header) }

    /// The path bytes of record `record`, in place.
    private func pathBytes(_ record: Layout.Record) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + Int(header.namesOffset) + Int(record.pathOffset), count: Int(record.pathLength))
    }

    /// The image at `index` (0 ..< count), in path order.
    public func entry(at index: Int) -> Entry {
        let record = record(at: index)!
        let path = String(decoding: pathBytes(record), as: UTF8.self)
        return Entry(path: path, label: Int(record.label), width: Int(record.width), height: Int(record.height),
                     channels: Int(record.channels), failure: record.status == .failed ? metadata.failures[path] ?? "could not be decoded" : nil)
    }

    /// Every image, in path order.
    ///
    /// - Complexity: O(count).
    public var entries: [Entry] { (0..<count).map(entry(at:)) }

    /// The index of the image at `relativePath`, found by binary search over the sorted paths.
    ///
    /// - Complexity: O(log count) comparisons; no allocation.
    public func index(of relativePath: String) -> Int? {
        var path = relativePath
        return path.withUTF8 { wanted in
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                let stored = pathBytes(record(at: middle)!)
                let order = compare(stored, UnsafeRawBufferPointer(wanted))
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    private func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    /// The file's source fingerprint of image `index`: size and modification time (ns) when read.
    func sourceFingerprint(at index: Int) -> (size: UInt64, modified: Int64) {
        let record = record(at: index)!
        return (record.sourceSize, record.sourceModified)
    }

    /// Runs `body` on the pixels of image `index`, in place in the mapping, once they have
    /// matched their checksum (the first time this process reads them).
    ///
    /// - Complexity: O(pixels) for the checksum the first time, O(1) after.
    /// - Throws: `ImageCacheError` naming the image when its pixels do not match.
    public func withPixels<Result>(at index: Int, _ body: (UnsafeRawBufferPointer) -> Result) throws(ImageCacheError) -> Result {
        let record = record(at: index)!
        let pixels = UnsafeRawBufferPointer(start: base + Int(record.dataOffset), count: record.status == .failed ? 0 : record.dataLength)
        if verified[index].load(ordering: .acquiring) == 0 {
            guard XXHash64.hash(pixels) == record.checksum else {
                throw ImageCacheError(path: path, reason: "corrupted: the pixels of \(String(decoding: pathBytes(record), as: UTF8.self)) do not match their checksum")
            }
            verified[index].store(1, ordering: .releasing)
        }
        return body(pixels)
    }

    /// The decoded image `index`, copied out of the mapping.
    ///
    /// - Complexity: O(pixels).
    /// - Throws: `ImageCacheError` as `withPixels(at:_:)`.
    public func image(at index: Int) throws(ImageCacheError) -> Image {
        let entry = entry(at: index)
        let pixels = try withPixels(at: index) { [UInt8]($0) }
        return Image(width: entry.width, height: entry.height, channels: max(entry.channels, 1), pixels: pixels)
    }
}
