/// Where a job's images come from: the PNG files below a folder, decoded as they are read, or
/// a decoded-image cache (`augment cache`), which holds the same images already decoded. A job
/// gets the same pixels from either, so it makes the same bytes.
public enum ImageSource: Sendable {
    case folder(ImageFolder)
    case cache(ImageCache)

    /// Why a source cannot be opened.
    public enum OpenError: Error, Equatable, Sendable, CustomStringConvertible {
        case folder(FileError)
        case cache(ImageCacheError)

        public var description: String {
            switch self {
            case .folder(let error): error.description
            case .cache(let error): error.description
            }
        }
    }

    /// Opens `path`: a folder, listed; or a cache file, checked against the folder it was built
    /// from (`ImageCache.checkSource()`). With `listing` false (a worker process, whose parent
    /// listed and checked), a folder is not walked and a cache is only mapped and checked
    /// itself.
    ///
    /// - Complexity: a walk of the folder, or `ImageCache.init(path:)` plus the source check.
    /// - Throws: `OpenError`: a missing or unreadable path, or a cache that is not one, is
    ///   damaged, stale or from another version.
    public static func open(_ path: String, listing: Bool = true) throws(OpenError) -> ImageSource {
        guard FileIO.exists(path), !FileIO.isFolder(path) else {
            if !listing { return .folder(ImageFolder(unlistedRoot: path)) }
            do { return .folder(try ImageFolder(path)) } catch { throw .folder(error) }
        }
        do {
            let cache = try ImageCache(path: path)
            if listing { try cache.checkSource() }
            return .cache(cache)
        } catch {
            throw .cache(error)
        }
    }

    /// The folder or cache file as given.
    public var root: String {
        switch self {
        case .folder(let folder): folder.root
        case .cache(let cache): cache.path
        }
    }

    /// Every image's path, sorted by UTF-8 bytes: the folder's PNG files, or the cache's
    /// images (those that failed to decode when it was built too, so that they fail again).
    public var relativePaths: [String] {
        switch self {
        case .folder(let folder): folder.relativePaths
        case .cache(let cache): cache.entries.map(\.path)
        }
    }

    /// What the folder's walk passed over; empty for a cache.
    public var skipped: [ImageFolder.Skipped] {
        if case .folder(let folder) = self { return folder.skipped }
        return []
    }

    /// Files of other image formats below the folder; 0 for a cache.
    public var otherImageCount: Int {
        if case .folder(let folder) = self { return folder.otherImageCount }
        return 0
    }

    /// The image at `relativePath`, as decoded, with the file's own channels.
    ///
    /// Given `leadingRows`, a file is decoded only down to the `leadingRows(size)` first rows
    /// (the rows below are zero), for a caller that reads no further, with the checks of
    /// `PNG.decode(_:options:leadingRows:)`; a cache holds every row already and does not call
    /// it.
    ///
    /// - Complexity: O(file size + pixels) from a folder; O(pixels) (a checksum and a copy) from a cache.
    /// - Throws: `ImageFailure` naming the path: the file's read or decoding error (from a cache,
    ///   the one recorded when it was built), more pixels than `maxPixels`, a path the cache does
    ///   not hold, or cached pixels that do not match their checksum.
    public func image(_ relativePath: String, maxPixels: Int,
                      leadingRows: ((Size) -> Int)? = nil) throws(ImageFailure) -> Image {
        func failure(_ reason: String) -> ImageFailure { ImageFailure(relativePath: relativePath, reason: reason, stopsTheRun: false) }
        switch self {
        case .folder(let folder):
            do {
                let bytes = try FileIO.readRegularFile(folder.root + "/" + relativePath)
                guard let leadingRows else { return try PNG.decode(bytes, options: .init(maxPixels: maxPixels)) }
                return try PNG.decode(bytes, options: .init(maxPixels: maxPixels),
                                      leadingRows: { leadingRows(Size(width: $0.width, height: $0.height)) })
            } catch let error as FileError {
                throw failure(error.reason)
            } catch {
                throw failure("\(error)")
            }
        case .cache(let cache):
            let index = try cachedIndex(relativePath, in: cache, maxPixels: maxPixels)
            do { return try cache.image(at: index) } catch { throw failure(error.description) }
        }
    }

    /// The size and channel count of the image at `relativePath` as `image(_:maxPixels:)`
    /// would give it, from the PNG header or the cache's index, without decoding.
    ///
    /// - Complexity: O(file size) for a file (it is read whole); O(log images) for a cache.
    /// - Throws: `ImageFailure` as `image(_:maxPixels:)`.
    public func shape(_ relativePath: String, maxPixels: Int) throws(ImageFailure) -> (size: Size, channels: Int) {
        switch self {
        case .folder(let folder):
            do {
                let header = try PNG.header(of: try FileIO.readRegularFile(folder.root + "/" + relativePath), maxPixels: maxPixels)
                return (Size(width: header.width, height: header.height), header.decodedChannels)
            } catch let error as FileError {
                throw ImageFailure(relativePath: relativePath, reason: error.reason, stopsTheRun: false)
            } catch {
                throw ImageFailure(relativePath: relativePath, reason: "\(error)", stopsTheRun: false)
            }
        case .cache(let cache):
            let entry = cache.entry(at: try cachedIndex(relativePath, in: cache, maxPixels: maxPixels))
            return (Size(width: entry.width, height: entry.height), entry.channels)
        }
    }

    /// The index of a decoded image of the cache within the pixel limit, or the failure a
    /// folder would give.
    private func cachedIndex(_ relativePath: String, in cache: ImageCache, maxPixels: Int) throws(ImageFailure) -> Int {
        func failure(_ reason: String) -> ImageFailure { ImageFailure(relativePath: relativePath, reason: reason, stopsTheRun: false) }
        guard let index = cache.index(of: relativePath) else { throw failure("not in the cache \(cache.path)") }
        let entry = cache.entry(at: index)
        if let reason = entry.failure { throw failure(reason) }
        if entry.width * entry.height > maxPixels {
            throw failure(PNGError.tooManyPixels(width: entry.width, height: entry.height, limit: maxPixels).description)
        }
        return index
    }
}
