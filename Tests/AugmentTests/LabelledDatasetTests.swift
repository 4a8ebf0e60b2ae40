import Foundation
import Testing
@testable import Augment

/// Labelled datasets from a folder per class and from a labels CSV, on folders made here and on
/// the shared MNIST subset.
@Suite("Labelled dataset")
struct LabelledDatasetTests {
    /// Creates `files` (relative paths) below a new temporary folder; the contents do not matter.
    static func folder(_ files: [String]) throws -> URL {
        let root = try TestData.makeTemporaryFolder("labelled")
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        return root
    }

    static func csv(_ text: String, in root: URL, name: String = "labels.csv") throws -> String {
        let path = root.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func dataset(_ root: URL, _ text: String) throws -> LabelledDataset {
        try LabelledDataset(root: root.path, labelsCSV: try csv(text, in: root))
    }

    /// The message of the error reading `text`, with the temporary paths replaced by ROOT and CSV.
    static func message(_ root: URL, _ text: String) throws -> String? {
        let path = try csv(text, in: root)
        do {
            _ = try LabelledDataset(root: root.path, labelsCSV: path)
            return nil
        } catch {
            return error.description.replacingOccurrences(of: path, with: "CSV").replacingOccurrences(of: root.path, with: "ROOT")
        }
    }

    @Test("folder per class: sorted class names, nested images, hidden entries and root files left out, empty class kept")
    func folderPerClass() throws {
        let root = try Self.folder(["cat/1.png", "cat/sub/2.png", "cat/.hidden.png", "cat/notes.txt", "dog/b.png",
                                    "dog/a.PNG", "dog/photo.jpg", ".ipynb_checkpoints/x.png", "loose.png", "readme.txt",
                                    "Zebra/z.png"])
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("ant"), withIntermediateDirectories: true)
        let outside = try Self.folder(["far.png"])
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("elsewhere"), withDestinationURL: outside)

        let dataset = try LabelledDataset(folderPerClass: root.path)
        // Byte order, as Python's sorted: upper case before lower case.
        #expect(dataset.classes == ["Zebra", "ant", "cat", "dog"])
        #expect(dataset.samples == [.init(path: "Zebra/z.png", label: 0), .init(path: "cat/1.png", label: 2),
                                    .init(path: "cat/sub/2.png", label: 2), .init(path: "dog/a.PNG", label: 3),
                                    .init(path: "dog/b.png", label: 3)])
        #expect(dataset.unlabelledCount == 1)
        #expect(dataset.emptyClasses == ["ant"])
        #expect(dataset.otherImageCount == 1)
        #expect(dataset.skipped.map(\.relativePath) == ["elsewhere"], "a link leading outside is no class")
        #expect(dataset.root == root.path)
    }

    @Test("folder per class refuses a missing root and a root without class folders, naming it")
    func folderErrors() throws {
        let root = try Self.folder(["a.png", ".hidden/b.png"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: DatasetError(path: root.path, reason: "no class folders: a folder-per-class dataset has one sub-folder per class (or give a labels CSV)")) {
            try LabelledDataset(folderPerClass: root.path)
        }
        let missing = root.appendingPathComponent("missing").path
        #expect(throws: DatasetError(path: missing, reason: "cannot read the dataset folder: No such file or directory")) {
            try LabelledDataset(folderPerClass: missing)
        }
    }

    @Test("CSV with integer labels: classes 0...max, quoted paths with commas, CRLF, blank lines, ./ dropped, sorted by path")
    func integerLabels() throws {
        let root = try Self.folder(["a.png", "b/c.png", "x,y.png"])
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try Self.dataset(root, "filepath,label\r\nb/c.png,2\r\n\r\n\"x,y.png\",0\r\n./a.png, 2\r\n")
        #expect(dataset.classes == ["0", "1", "2"])
        #expect(dataset.samples == [.init(path: "a.png", label: 2), .init(path: "b/c.png", label: 2), .init(path: "x,y.png", label: 0)])
        #expect(dataset.emptyClasses == ["1"])
        #expect(dataset.unlabelledCount == 0)
    }

    @Test("CSV with names: classes are the sorted distinct names; doubled quotes; extra columns; a byte order mark")
    func nameLabels() throws {
        let root = try Self.folder(["say \"hi\".png", "b/c.png", "a.png"])
        defer { try? FileManager.default.removeItem(at: root) }
        let text = "\u{FEFF}Path,Class,split\n\"say \"\"hi\"\".png\",dog,train\nb/c.png,cat,val\na.png,1,train"
        let dataset = try Self.dataset(root, text)
        #expect(dataset.classes == ["1", "cat", "dog"], "one label that is not an integer makes them all names")
        #expect(dataset.samples == [.init(path: "a.png", label: 0), .init(path: "b/c.png", label: 1),
                                    .init(path: "say \"hi\".png", label: 2)])
    }

    @Test("the CSV's row order does not change the dataset")
    func rowOrder() throws {
        let root = try Self.folder(["a.png", "b.png", "c.png"])
        defer { try? FileManager.default.removeItem(at: root) }
        let one = try Self.dataset(root, "path,label\na.png,x\nb.png,y\nc.png,x\n")
        let two = try Self.dataset(root, "path,label\nc.png,x\nb.png,y\na.png,x\n")
        #expect(one.samples == two.samples && one.classes == two.classes)
    }

    @Test("CSV errors name the file, the line and the reason")
    func csvErrors() throws {
        let root = try Self.folder(["a.png", "b.png", "notes.txt"])
        defer { try? FileManager.default.removeItem(at: root) }
        let cases: [(String, String)] = [
            ("path,label\na.png,0\n\nmissing.png,1\n", "CSV:4: missing.png: No such file or directory below ROOT"),
            ("path,label\na.png,0\nb.png,1\na.png,1\n", "CSV:4: a.png is listed twice (first on line 2)"),
            ("image,label\na.png,0\n", "CSV:1: expected a header path,label (or filepath/file and class), found image,label"),
            ("path\na.png\n", "CSV:1: expected a header path,label (or filepath/file and class), found path"),
            ("path,label\na.png,0,extra\n", "CSV:2: 3 fields where the header has 2"),
            ("path,label\na.png,0\n\"b.png,1\n", "CSV:3: a quoted field is not closed"),
            ("path,label\n\"a.png\"x,0\n", "CSV:2: text after the closing quote of a field"),
            ("path,label\n/a.png,0\n", "CSV:2: /a.png: an absolute path; paths are relative to ROOT"),
            ("path,label\nx/../../a.png,0\n", "CSV:2: x/../../a.png: a path that leaves ROOT (..); paths are below it"),
            ("path,label\nnotes.txt,0\n", "CSV:2: notes.txt: not a .png file (augment reads PNG only)"),
            ("path,label\na.png,0\nb.png,-1\n", "CSV:3: b.png: label -1; integer labels lie in 0...999999"),
            ("path,label\na.png,\n", "CSV:2: a.png: empty label"),
            ("path,label\n,3\n", "CSV:2: empty path"),
            ("", "CSV: empty labels file; expected a header line path,label"),
        ]
        for (text, expected) in cases {
            let actual = try Self.message(root, text)
            #expect(actual == expected, "\(text.debugDescription) gave \(actual ?? "no error")")
        }
        #expect(throws: DatasetError(path: root.path + "/none.csv", reason: "cannot read the labels file: No such file or directory")) {
            try LabelledDataset(root: root.path, labelsCSV: root.path + "/none.csv")
        }
        let path = try Self.csv("path,label\na.png,0\n", in: root)
        #expect(throws: DatasetError(path: root.path + "/x", reason: "cannot read the dataset folder: No such file or directory")) {
            try LabelledDataset(root: root.path + "/x", labelsCSV: path)
        }
    }

    static let mnist: URL? = {
        guard let url = TestData.sharedData?.appendingPathComponent("mnist-subset"),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }()

    @Test("mnist-subset: train/ as a folder per class gives classes 0...9, and labels.csv agrees on every train/ path",
          .enabled(if: Self.mnist != nil, Comment(rawValue: TestData.absentNote)))
    func mnistSubset() throws {
        let mnist = try #require(Self.mnist)
        let folders = try LabelledDataset(folderPerClass: mnist.appendingPathComponent("train").path)
        #expect(folders.classes == (0...9).map(String.init))
        #expect(folders.unlabelledCount == 0 && folders.emptyClasses.isEmpty)
        let listed = try LabelledDataset(root: mnist.path, labelsCSV: mnist.appendingPathComponent("labels.csv").path)
        #expect(listed.classes == (0...9).map(String.init))
        let train = listed.samples.filter { $0.path.hasPrefix("train/") }
            .map { LabelledDataset.Sample(path: String($0.path.dropFirst("train/".count)), label: $0.label) }
        #expect(train.count == folders.samples.count && !train.isEmpty)
        // Both sorted by path bytes; "train/" as a common prefix keeps the order.
        #expect(train == folders.samples)
    }
}
