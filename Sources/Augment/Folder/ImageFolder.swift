#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PNG files below a folder, found recursively, in a stable order.
public struct ImageFolder: Sendable {
    /// An entry that was passed over, and why.
    public struct Skipped: Sendable, Equatable {
        public var relativePath: String
        public var reason: String
    }

    /// The folder as given.
    public let root: String
    /// `root` with every symbolic link resolved.
    public let resolvedRoot: String
    /// Paths of the PNG files relative to `root`, sorted by their UTF-8 bytes (so the order
    /// does not depend on the locale or the file system's listing order).
    public let relativePaths: [String]
    /// Symbolic links that lead outside `root`, loops, and folders that could not be read.
    public let skipped: [Skipped]
    /// Files with another image format's extension (`.jpg`, `.webp`, ...), which are not read.
    public let otherImageCount: Int

    /// The extensions of image formats that are common in datasets but not read (PNG only).
    public static let otherImageExtensions: Set<String> = ["jpg", "jpeg", "webp", "bmp", "tif", "tiff", "gif"]

    /// Lists `root`. Takes every file whose name ends in `.png` in any case; passes over hidden
    /// entries (names starting with "."), such as `.git` or macOS's `._name.png` companions,
    /// which are not images. Follows a symbolic link only when it leads inside `root`, and
    /// visits each real folder once, so link loops end.
    ///
    /// - Complexity: O(entries below `root` · log entries) for the walk and the sort.
    /// - Throws: `FileError` when `root` does not exist or is not a readable folder.
    public init(_ root: String) throws(FileError) {
        guard let resolvedRoot = FileIO.realPath(root) else {
            throw FileError(path: root, code: errno, action: "cannot read input folder")
        }
        guard FileIO.isFolder(resolvedRoot) else {
            throw FileError(path: root, code: ENOTDIR, action: "cannot read input folder")
        }
        self.root = root
        self.resolvedRoot = resolvedRoot
        var walk = Walk(resolvedRoot: resolvedRoot)
        walk.visitedFolders.insert(resolvedRoot)
        try walk.visit(folder: root, relative: "", isRoot: true)
        self.relativePaths = walk.found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.skipped = walk.skipped
        self.otherImageCount = walk.otherImages
    }

    /// A folder that is not walked: no paths, nothing skipped. For a worker process, whose
    /// parent lists the folder and hands it the paths.
    init(unlistedRoot root: String) {
        self.root = root
        self.resolvedRoot = FileIO.realPath(root) ?? root
        self.relativePaths = []
        self.skipped = []
        self.otherImageCount = 0
    }

    /// True when `path` (existing or not) is `folder` or lies inside it, once the symbolic
    /// links of its longest existing part are resolved.
    public static func path(_ path: String, isInside folder: String) -> Bool {
        guard let resolvedFolder = FileIO.realPath(folder) else { return false }
        let resolved = resolvedPath(path)
        return resolved == resolvedFolder || resolved.hasPrefix(resolvedFolder == "/" ? "/" : resolvedFolder + "/")
    }

    /// Resolves the longest existing prefix of `path` and appends the rest unchanged.
    static func resolvedPath(_ path: String) -> String {
        if let resolved = FileIO.realPath(path) { return resolved }
        let (folder, name) = FileIO.split(path)
        if folder == path { return path }
        return resolvedPath(folder) + "/" + name
    }

    private struct Walk {
        let resolvedRoot: String
        var found: [String] = []
        var skipped: [Skipped] = []
        var otherImages = 0
        var visitedFolders: Set<String> = []

        mutating func visit(folder: String, relative: String, isRoot: Bool) throws(FileError) {
            guard let stream = opendir(folder) else {
                let error = FileError(path: folder, code: errno, action: "cannot read folder")
                if isRoot { throw error }
                skipped.append(Skipped(relativePath: relative, reason: "\(error.action): \(error.reason)"))
                return
            }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = FileIO.name(of: entry)
                if !name.hasPrefix(".") { names.append(name) }
            }
            closedir(stream)
            // Sorted, so that which name reaches a folder first (and claims it) never varies.
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for name in names {
                let path = folder + "/" + name
                let relativePath = relative.isEmpty ? name : relative + "/" + name
                try visit(entry: path, relative: relativePath)
            }
        }

        mutating func visit(entry path: String, relative: String) throws(FileError) {
            var status = stat()
            guard lstat(path, &status) == 0 else { return }  // vanished since the listing
            var kind = status.st_mode & S_IFMT
            var realFolder: String?
            if kind == S_IFLNK {
                guard let target = FileIO.realPath(path) else {
                    skipped.append(Skipped(relativePath: relative, reason: "broken symbolic link"))
                    return
                }
                guard target == resolvedRoot || target.hasPrefix(resolvedRoot + "/") else {
                    if Self.isPNG(relative) || FileIO.isFolder(target) {
                        skipped.append(Skipped(relativePath: relative,
                                               reason: "symbolic link leads outside the input folder; not followed"))
                    }
                    return
                }
                guard stat(path, &status) == 0 else { return }
                kind = status.st_mode & S_IFMT
                realFolder = target
            }
            if kind == S_IFDIR {
                let real = realFolder ?? FileIO.realPath(path) ?? path
                guard visitedFolders.insert(real).inserted else { return }  // a link loop, or seen already
                try visit(folder: path, relative: relative, isRoot: false)
            } else if kind == S_IFREG && Self.isPNG(relative) {
                found.append(relative)
            } else if kind == S_IFREG, let dot = relative.lastIndex(of: "."),
                      ImageFolder.otherImageExtensions.contains(relative[relative.index(after: dot)...].lowercased()) {
                otherImages += 1
            }
        }

        static func isPNG(_ name: String) -> Bool {
            name.count > 4 && name.suffix(4).lowercased() == ".png"
        }
    }
}
