#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Images with class labels, for training batches: read from a folder-per-class layout
/// (torchvision's `ImageFolder`) or from a labels CSV (`LabelledDataset+CSV.swift`).
///
/// Samples are sorted by path (UTF-8 bytes, which is Python's `sorted` on `str`, as code points
/// sort the same), so their order never depends on the file system or on a CSV's row order.
public struct LabelledDataset: Sendable {
    public struct Sample: Sendable, Equatable {
        /// Relative to `root`, `/`-separated, as `ImageFolder` lists it.
        public var path: String
        /// The index of the sample's class in `classes`.
        public var label: Int

        public init(path: String, label: Int) {
            self.path = path
            self.label = label
        }
    }

    /// The folder the sample paths are relative to.
    public let root: String
    /// The class names; label `i` is `classes[i]`.
    public let classes: [String]
    /// Every sample, sorted by path.
    public let samples: [Sample]
    /// PNG files that have no class: for a folder per class, those directly in `root`
    /// (torchvision ignores them too); 0 for a labels CSV, which lists what it labels.
    public let unlabelledCount: Int
    /// What the walk below `root` passed over (links leading outside, unreadable folders); empty
    /// for a labels CSV.
    public let skipped: [ImageFolder.Skipped]
    /// Files with another image format's extension below `root`, which are not read; 0 for a
    /// labels CSV.
    public let otherImageCount: Int

    /// Classes without a sample, in label order. torchvision's `ImageFolder` refuses a class
    /// folder with no image; here it stays a class (so the numbering still follows the sorted
    /// folder names) and is listed here, for a warning.
    ///
    /// - Complexity: O(samples + classes).
    public var emptyClasses: [String] {
        var counts = [Int](repeating: 0, count: classes.count)
        for sample in samples { counts[sample.label] += 1 }
        return classes.indices.filter { counts[$0] == 0 }.map { classes[$0] }
    }

    init(root: String, classes: [String], samples: [Sample], unlabelledCount: Int = 0,
         skipped: [ImageFolder.Skipped] = [], otherImageCount: Int = 0) {
        self.root = root
        self.classes = classes
        self.samples = samples
        self.unlabelledCount = unlabelledCount
        self.skipped = skipped
        self.otherImageCount = otherImageCount
    }

    /// torchvision's `ImageFolder` layout: each immediate sub-folder of `root` is a class,
    /// numbered in the sorted order of the names, and its samples are the PNG files anywhere
    /// below it. Folders and files are found as `ImageFolder` finds them: hidden entries are
    /// passed over (torchvision would make a class of `.ipynb_checkpoints`; not here), symbolic
    /// links are followed only inside `root`, and each real folder is visited once (a class
    /// folder that is a link to another class folder gets no samples).
    ///
    /// - Complexity: O(entries below `root` · log entries).
    /// - Throws: `DatasetError` naming `root` when it cannot be read or has no class folder.
    public init(folderPerClass root: String) throws(DatasetError) {
        let folder: ImageFolder
        do { folder = try ImageFolder(root) } catch {
            throw DatasetError(path: root, reason: "cannot read the dataset folder: \(error.reason)")
        }
        let classes = try Self.classFolders(of: folder)
        var labels: [String: Int] = [:]
        for (label, name) in classes.enumerated() { labels[name] = label }
        var samples: [Sample] = []
        var unlabelled = 0
        for path in folder.relativePaths {
            // A file inside a folder that is not a class cannot occur: every visited immediate
            // folder is one.
            guard let slash = path.firstIndex(of: "/"), let label = labels[String(path[..<slash])] else {
                unlabelled += 1
                continue
            }
            samples.append(Sample(path: path, label: label))
        }
        self.init(root: root, classes: classes, samples: samples, unlabelledCount: unlabelled,
                  skipped: folder.skipped, otherImageCount: folder.otherImageCount)
    }

    /// The labelled images of a cache (`augment cache`), as the dataset it was built from gives
    /// them: its classes, and its images that have a label.
    ///
    /// - Complexity: O(images).
    /// - Throws: `DatasetError` naming the cache when it holds no labels (built from a folder
    ///   without class folders).
    public init(cache: ImageCache) throws(DatasetError) {
        guard cache.metadata.labels != .none else {
            throw DatasetError(path: cache.path, reason: "the cache holds no labels: it was built from a folder without class folders (build it from a folder per class, or with --labels)")
        }
        var samples: [Sample] = []
        var unlabelled = 0
        for entry in cache.entries {
            guard entry.label < cache.metadata.classes.count else {
                throw DatasetError(path: cache.path, reason: "corrupted: \(entry.path) has label \(entry.label) of \(cache.metadata.classes.count) classes")
            }
            if entry.label >= 0 { samples.append(Sample(path: entry.path, label: entry.label)) } else { unlabelled += 1 }
        }
        self.init(root: cache.path, classes: cache.metadata.classes, samples: samples, unlabelledCount: unlabelled)
    }

    /// The non-hidden immediate sub-folders of the root that the walk enters (a link only when it
    /// leads inside the root), sorted by their bytes.
    private static func classFolders(of folder: ImageFolder) throws(DatasetError) -> [String] {
        guard let stream = opendir(folder.root) else {
            throw DatasetError(path: folder.root, reason: "cannot read the dataset folder: \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = FileIO.name(of: entry)
            guard !name.hasPrefix("."), let real = FileIO.realPath(folder.root + "/" + name),
                  real.hasPrefix(folder.resolvedRoot == "/" ? "/" : folder.resolvedRoot + "/"),
                  FileIO.isFolder(real) else { continue }
            names.append(name)
        }
        closedir(stream)
        guard !names.isEmpty else {
            throw DatasetError(path: folder.root, reason: "no class folders: a folder-per-class dataset has one sub-folder per class (or give a labels CSV)")
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
