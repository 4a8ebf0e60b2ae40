extension ImageCache {
    /// Refuses a cache that was built from other files than its dataset folder holds now: an
    /// image changed (size or modification time), removed or, for a cache of a whole folder,
    /// added; or a labels CSV that changed. A cache whose folder is not there any more (copied
    /// to another machine, say) is used as it is: it holds everything it needs.
    ///
    /// - Complexity: one walk of the folder and one `stat` per image.
    /// - Throws: `ImageCacheError` naming the first difference found.
    public func checkSource() throws(ImageCacheError) {
        let source = metadata.source
        guard FileIO.isFolder(source) else { return }
        func stale(_ what: String) -> ImageCacheError {
            ImageCacheError(path: path, reason: "built from other files than \(source) holds now: \(what); rebuild it with augment cache")
        }
        switch metadata.labels {
        case .csv(let labelsPath, let size, let modified):
            if let now = FileIO.fingerprint(labelsPath), now != FileFingerprint(size: size, modified: modified) {
                throw stale("the labels file \(labelsPath) has changed")
            }
        case .none, .folders:
            let listed: [String]
            do { listed = try ImageFolder(source).relativePaths } catch { throw stale("the folder cannot be read (\(error.reason))") }
            let cached = entries.map(\.path)
            if listed != cached {
                let cachedSet = Set(cached), listedSet = Set(listed)
                if let added = listed.first(where: { !cachedSet.contains($0) }) { throw stale("\(added) was added") }
                if let removed = cached.first(where: { !listedSet.contains($0) }) { throw stale("\(removed) was removed") }
            }
        }
        for index in 0..<count {
            let entry = entry(at: index)
            let recorded = sourceFingerprint(at: index)
            guard let now = FileIO.fingerprint(source + "/" + entry.path) else { throw stale("\(entry.path) was removed") }
            if now != FileFingerprint(size: recorded.size, modified: recorded.modified) { throw stale("\(entry.path) has changed") }
        }
    }
}
