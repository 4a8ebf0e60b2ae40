import Foundation
import Testing
@testable import Augment

/// `augment cache`, and `augment run` / `augment batches` given a cache in place of the folder:
/// the same bytes as from the folder, under every executor.
@Suite("Cache command")
struct CacheCommandTests {
    static let pipeline = TestData.packageRoot.appendingPathComponent("pipelines/standard.json").path

    /// A dataset, its cache (built by the command) and a scratch folder, removed by `clean()`.
    struct Fixture {
        let root: URL
        let cache: URL
        let scratch: URL

        init(arguments: [String] = []) throws {
            root = try ImageCacheTests.makeDataset()
            scratch = try TestData.makeTemporaryFolder("augment-cache-cli")
            cache = scratch.appendingPathComponent("data.augc")
            let built = try CommandRunner.augment(["cache", root.path, "--out", cache.path] + arguments)
            #expect(built.status == 1, "one corrupt file: \(built.standardError)")
            #expect(built.errorLines == ["error: shapes/broken.png: \(PNGError.invalid(reason: "Not a PNG file").description)"]
                    || built.errorLines.count == 1 && built.errorLines[0].hasPrefix("error: shapes/broken.png: "))
        }

        func clean() {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    /// Every file below `folder`, by relative path.
    static func files(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for path in paths where !FileIO.isFolder(folder.appendingPathComponent(path).path) {
            files[path] = try Data(contentsOf: folder.appendingPathComponent(path))
        }
        return files
    }

    @Test("augment run over the cache writes what it writes over the folder, manifest included, under every executor",
          arguments: ["serial", "threads", "processes"])
    func run(executor: String) throws {
        let fixture = try Fixture()
        defer { fixture.clean() }
        func run(_ input: URL, _ name: String) throws -> CommandResult {
            try CommandRunner.augment(["run", input.path, "--out", fixture.scratch.appendingPathComponent(name).path,
                                       "--pipeline", Self.pipeline, "--copies", "2", "--seed", "5", "--channels", "3",
                                       "--manifest", fixture.scratch.appendingPathComponent(name + ".jsonl").path,
                                       "--executor", executor, "--quiet"] + (executor == "serial" ? [] : ["--workers", "2"]))
        }
        let fromFolder = try run(fixture.root, "folder")
        let fromCache = try run(fixture.cache, "cache")
        #expect(fromFolder.status == 1 && fromCache.status == 1, "the corrupt file fails in both")
        #expect(fromCache.errorLines == fromFolder.errorLines)
        let written = try Self.files(fixture.scratch.appendingPathComponent("folder"))
        #expect(written.count == 2 * 10, "two copies of the 10 good images")
        #expect(try Self.files(fixture.scratch.appendingPathComponent("cache")) == written)
        #expect(try Data(contentsOf: fixture.scratch.appendingPathComponent("cache.jsonl"))
                == Data(contentsOf: fixture.scratch.appendingPathComponent("folder.jsonl")))
        let replayed = try CommandRunner.augment(["run", fixture.cache.path, "--out", fixture.scratch.appendingPathComponent("replay").path,
                                                  "--replay", fixture.scratch.appendingPathComponent("folder.jsonl").path, "--quiet"])
        #expect(replayed.status == 0, "\(replayed.standardError)")
        #expect(try Self.files(fixture.scratch.appendingPathComponent("replay")) == written)
    }

    @Test("augment batches over the cache streams the bytes it streams over the folder, under every executor")
    func batches() throws {
        let fixture = try Fixture()
        defer { fixture.clean() }
        let pipeline = fixture.scratch.appendingPathComponent("p.json")
        try Data(#"{"transforms": [{"op": "rotate", "angle": [-20, 20]}, {"op": "random_resized_crop", "width": 12, "height": 10}]}"#.utf8)
            .write(to: pipeline)
        func batches(_ input: URL, _ executor: String) throws -> CommandResult {
            try CommandRunner.augment(["batches", input.path, "--pipeline", pipeline.path, "--batch-size", "3", "--epochs", "2",
                                       "--shuffle", "--channels", "4", "--executor", executor, "--out", "-"]
                                      + (executor == "serial" ? [] : ["--workers", "2"]))
        }
        let reference = try batches(fixture.root, "serial")
        #expect(reference.status == 1, "the corrupt file is skipped: \(reference.standardError)")
        #expect(reference.outputBytes.count > 1000)
        for executor in ["serial", "threads", "processes"] {
            let fromCache = try batches(fixture.cache, executor)
            #expect(fromCache.status == 1)
            #expect(fromCache.outputBytes == reference.outputBytes, "\(executor)")
            #expect(fromCache.standardError.contains("shapes/broken.png"))
        }
        let classes = try CommandRunner.augment(["batches", fixture.cache.path, "--pipeline", pipeline.path, "--batch-size", "2", "--print-classes"])
        #expect(classes.standardOutput.contains(#""classes":["shapes","textures"]"#), "\(classes.standardOutput)")
    }

    @Test("augment info describes a cache after checking every checksum, and names a damaged image")
    func info() throws {
        let fixture = try Fixture()
        defer { fixture.clean() }
        let good = try CommandRunner.augment(["info", fixture.cache.path])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.hasPrefix("\(fixture.cache.path): image cache of \(FileIO.realPath(fixture.root.path)!), 11 images (1 failed), 2 classes from class folders, as decoded"))
        var bytes = try TestData.bytes(of: fixture.cache)
        bytes[ImageCacheTests.dataOffset(of: "textures/clouds_grey2.png", in: bytes) + 100] ^= 0x40
        try Data(bytes).write(to: fixture.cache)
        let damaged = try CommandRunner.augment(["info", fixture.cache.path])
        #expect(damaged.status == 1)
        #expect(damaged.errorLines == ["error: \(fixture.cache.path): corrupted: the pixels of textures/clouds_grey2.png do not match their checksum"])
    }

    @Test("a cache of a labels CSV holds those images and labels; batches over it match the folder with --labels")
    func labelsCSV() throws {
        let root = try TestData.makeTemporaryFolder("augment-cache-csv")
        defer { try? FileManager.default.removeItem(at: root) }
        for (index, value) in [10, 60, 110, 160].enumerated() {
            try Data(try PNG.encode(Image(width: 5, height: 4, channels: 3, repeating: UInt8(value))))
                .write(to: root.appendingPathComponent("i\(index).png"))
        }
        let csv = root.appendingPathComponent("labels.csv")
        try Data("path,label\ni2.png,cat\ni0.png,dog\ni3.png,cat\n".utf8).write(to: csv)
        let cache = root.appendingPathComponent("labelled.augc")
        let built = try CommandRunner.augment(["cache", root.path, "--labels", csv.path, "--out", cache.path])
        #expect(built.status == 0, "\(built.standardError)")
        let opened = try ImageCache(path: cache.path)
        #expect(opened.entries.map(\.path) == ["i0.png", "i2.png", "i3.png"])
        #expect(opened.entries.map(\.label) == [1, 0, 0] && opened.metadata.classes == ["cat", "dog"])
        let arguments = ["--pipeline", CacheCommandTests.pipelineResize(root), "--batch-size", "2", "--shuffle", "--out", "-"]
        let fromFolder = try CommandRunner.augment(["batches", root.path, "--labels", csv.path] + arguments)
        let fromCache = try CommandRunner.augment(["batches", cache.path] + arguments)
        #expect(fromFolder.status == 0 && fromCache.status == 0, "\(fromCache.standardError)")
        #expect(fromCache.outputBytes == fromFolder.outputBytes)
        let both = try CommandRunner.augment(["batches", cache.path, "--labels", csv.path] + arguments)
        #expect(both.status == 2 && both.standardError.contains("a cache holds its labels"))
        try Data("path,label\ni2.png,cat\ni0.png,bird\ni3.png,cat\n".utf8).write(to: csv)
        let stale = try CommandRunner.augment(["batches", cache.path] + arguments)
        #expect(stale.status == 2 && stale.standardError.contains("the labels file \(FileIO.realPath(csv.path)!) has changed"),
                "\(stale.standardError)")
    }

    static func pipelineResize(_ folder: URL) -> String {
        let url = folder.appendingPathComponent("resize.json")
        try? Data(#"{"transforms": [{"op": "hflip", "p": 0.5}, {"op": "resize", "width": 3, "height": 3}]}"#.utf8).write(to: url)
        return url.path
    }

    @Test("bad input: a missing dataset, --out a folder, both resizes, a cache without labels, a file that is no cache")
    func badInput() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-cache-bad")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let missing = try CommandRunner.augment(["cache", scratch.appendingPathComponent("nothing").path, "--out", scratch.appendingPathComponent("x.augc").path])
        #expect(missing.status == 2 && missing.errorLines.count == 1 && missing.standardError.contains("nothing"))
        let folderOut = try CommandRunner.augment(["cache", TestData.bundledImages.path, "--out", scratch.path])
        #expect(folderOut.status == 2 && folderOut.standardError.contains("is a folder"))
        let both = try CommandRunner.augment(["cache", TestData.bundledImages.path, "--out", "x.augc", "--size", "4x4", "--max-side", "3"])
        #expect(both.status == 64)
        let badSize = try CommandRunner.augment(["cache", TestData.bundledImages.path, "--out", "x.augc", "--size", "4by4"])
        #expect(badSize.status == 64 && badSize.standardError.contains("WIDTHxHEIGHT"))
        // A flat folder: a cache for augment run, not for batches.
        let flat = scratch.appendingPathComponent("flat")
        try FileManager.default.createDirectory(at: flat, withIntermediateDirectories: true)
        try Data(try PNG.encode(Image(width: 3, height: 3, channels: 1))).write(to: flat.appendingPathComponent("a.png"))
        let flatCache = scratch.appendingPathComponent("flat.augc")
        #expect(try CommandRunner.augment(["cache", flat.path, "--out", flatCache.path]).status == 0)
        let unlabelled = try CommandRunner.augment(["batches", flatCache.path, "--pipeline", Self.pipelineResize(scratch), "--batch-size", "2", "--out", "-"])
        #expect(unlabelled.status == 2 && unlabelled.standardError.contains("the cache holds no labels"), "\(unlabelled.standardError)")
        // A folder per class with a loose PNG beside the class folders: the warning names the
        // folder it lies in, not the cache file.
        let classes = scratch.appendingPathComponent("classes")
        try FileManager.default.createDirectory(at: classes.appendingPathComponent("cat"), withIntermediateDirectories: true)
        try Data(try PNG.encode(Image(width: 3, height: 3, channels: 1))).write(to: classes.appendingPathComponent("cat/a.png"))
        try Data(try PNG.encode(Image(width: 3, height: 3, channels: 1))).write(to: classes.appendingPathComponent("loose.png"))
        let classesCache = scratch.appendingPathComponent("classes.augc")
        #expect(try CommandRunner.augment(["cache", classes.path, "--out", classesCache.path]).status == 0)
        let loose = try CommandRunner.augment(["batches", classesCache.path, "--pipeline", Self.pipelineResize(scratch), "--batch-size", "1", "--out", "-"])
        let resolvedClasses = FileIO.realPath(classes.path) ?? classes.path
        #expect(loose.status == 0 && loose.standardError.contains("warning: 1 PNG file lies directly in \(resolvedClasses) (cached in \(classesCache.path)), "
            + "outside any class folder, and is left out\n"), "\(loose.standardError)")
        let notCache = scratch.appendingPathComponent("notes.txt")
        try Data(String(repeating: "hello, this is not a cache\n", count: 10).utf8).write(to: notCache)
        let run = try CommandRunner.augment(["run", notCache.path, "--out", scratch.appendingPathComponent("o").path])
        #expect(run.status == 2 && run.errorLines == ["error: \(notCache.path): not a folder, and not an image cache (it does not start with AUGCACHE); build one with augment cache"])
    }

    @Test("a full disk (a file-size limit) stops the build with one error and leaves no file behind",
          .disabled(if: Sanitizer.isThread, Comment(rawValue: Sanitizer.fileSizeLimitNote)))
    func fullDisk() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-cache-full")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("big.augc")
        let result = try CommandRunner.augment(["cache", TestData.bundledImages.path, "--out", out.path], shellPrefix: "ulimit -f 64;")
        #expect(result.status == 2, "exits, not killed by SIGXFSZ (augment ignores it): \(result.standardError)")
        #expect(result.errorLines == ["error: \(out.path): cannot write: File too large"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "no temporary or partial file")
    }

    @Test("what a killed build left behind is removed by the next build of the same file, not another's")
    func killedBuild() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-cache-killed")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let gone = finished.processIdentifier, alive = ProcessInfo.processInfo.processIdentifier
        for name in [".data.augc.tmp-\(gone)-1", ".data.augc.tmp-\(alive)-7", ".other.augc.tmp-\(gone)-1"] {
            try Data("half a cache".utf8).write(to: scratch.appendingPathComponent(name))
        }
        let built = try CommandRunner.augment(["cache", TestData.bundledImages.path, "--out", scratch.appendingPathComponent("data.augc").path, "--quiet"])
        #expect(built.status == 0, "\(built.standardError)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: scratch.path))
                == ["data.augc", ".data.augc.tmp-\(alive)-7", ".other.augc.tmp-\(gone)-1"])
    }
}
