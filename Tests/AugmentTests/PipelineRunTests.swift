import Foundation
import Testing
@testable import Augment

/// `augment run --pipeline/--seed/--copies/--manifest/--replay`, driven through the built executable.
@Suite("Pipeline runs")
struct PipelineRunTests {
    /// An image whose bytes vary with position, so that any geometric change shows.
    static func patterned(width: Int, height: Int, channels: Int, salt: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<width * height * channels).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 5) &+ salt) })
    }

    /// Three images of different sizes and channel counts, two in a class folder.
    static let dataset: [String: Image] = [
        "a.png": patterned(width: 40, height: 30, channels: 3, salt: 1),
        "cls/b.png": patterned(width: 50, height: 50, channels: 1, salt: 2),
        "cls/c.png": patterned(width: 33, height: 47, channels: 4, salt: 3),
    ]

    static let pipelineJSON = """
        {"transforms": [
          {"op": "hflip", "p": 0.5},
          {"op": "rotate", "angle": [-30, 30], "fill": 0},
          {"op": "zoom", "scale": [0.8, 1.2], "interpolation": "nearest"},
          {"op": "one_of", "transforms": [{"op": "vflip", "p": 0.5}, {"op": "rotate90"}, {"op": "transpose", "p": 0}]},
          {"op": "random_resized_crop", "width": 24, "height": 20}
        ]}
        """

    /// A scratch folder holding `in/` (the dataset, or the given images) and `pipeline.json`.
    static func makeScratch(images: [String: Image] = dataset) throws -> URL {
        let scratch = try TestData.makeTemporaryFolder("augment-pipeline")
        for (path, image) in images { try write(try PNG.encode(image), scratch.appendingPathComponent("in/" + path)) }
        try write(Array(pipelineJSON.utf8), scratch.appendingPathComponent("pipeline.json"))
        return scratch
    }

    static func write(_ bytes: [UInt8], _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Every regular file below `root`, relative, sorted, with its bytes.
    static func contents(of root: URL) throws -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            let url = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                found[path] = try TestData.bytes(of: url)
            }
        }
        return found
    }

    static func run(_ scratch: URL, _ arguments: [String]) throws -> CommandResult {
        try CommandRunner.augment(["run", scratch.appendingPathComponent("in").path] + arguments)
    }

    @Test("--manifest then --replay into another folder reproduces every output and the manifest byte for byte")
    func manifestAndReplay() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (first, second) = (scratch.appendingPathComponent("first"), scratch.appendingPathComponent("second"))
        let manifest = scratch.appendingPathComponent("first.jsonl")

        let run = try Self.run(scratch, ["--out", first.path, "--pipeline", scratch.appendingPathComponent("pipeline.json").path,
                                         "--seed", "5", "--copies", "3", "--manifest", manifest.path])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("wrote 9 images to \(first.path), 0 failed"))
        let outputs = try Self.contents(of: first)
        #expect(outputs.keys.sorted() == ["a_0.png", "a_1.png", "a_2.png", "cls/b_0.png", "cls/b_1.png", "cls/b_2.png",
                                          "cls/c_0.png", "cls/c_1.png", "cls/c_2.png"])
        for (path, bytes) in outputs {
            let image = try PNG.decode(bytes)
            #expect(image.width == 24 && image.height == 20, "\(path) is random_resized_crop's size")
            let source = Self.dataset[path.replacingOccurrences(of: #"_\d\.png$"#, with: ".png", options: .regularExpression)]
            #expect(image.channels == source?.channels, "\(path) keeps its channels")
        }
        #expect(Set(outputs.values).count == 9, "every copy differs")

        let lines = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 9)
        let entries = try lines.enumerated().map { try ManifestEntry(jsonLine: $1, lineNumber: $0 + 1) }
        #expect(entries.map(\.input) == ["a.png", "a.png", "a.png", "cls/b.png", "cls/b.png", "cls/b.png",
                                         "cls/c.png", "cls/c.png", "cls/c.png"])
        #expect(entries.map(\.copy) == [0, 1, 2, 0, 1, 2, 0, 1, 2])
        #expect(entries.allSatisfy { $0.seed == 5 && $0.transforms.count == 5 && $0.compression == .fast && $0.channels == nil })
        #expect(entries.allSatisfy { $0.transforms[3] != .skipped && $0.transforms[3] != .oneOf(chosen: 2, transform: .transpose) },
                "one_of always applies a child, never the one with p = 0")

        let replay = try Self.run(scratch, ["--out", second.path, "--replay", manifest.path,
                                            "--manifest", scratch.appendingPathComponent("second.jsonl").path])
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(try Self.contents(of: second) == outputs, "the replayed outputs are byte-identical")
        #expect(try TestData.bytes(of: scratch.appendingPathComponent("second.jsonl")) == TestData.bytes(of: manifest),
                "and so is the manifest the replay writes")
    }

    @Test("a replay reads only what the manifest lists and makes just those outputs, with their conversion")
    func replayEditedManifest() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Written by hand: a horizontal flip of a.png to grey, stored at compression level 0, and one crop of cls/c.png.
        let manifest = scratch.appendingPathComponent("hand.jsonl")
        try Self.write(Array("""
            {"input":"cls/c.png","output":"crops/c.png","seed":0,"copy":0,"channels":null,"compression":"fast","transforms":[{"op":"crop","x":1,"y":2,"width":3,"height":4}]}
            {"input":"a.png","output":"flipped.png","seed":0,"copy":0,"channels":1,"compression":"0","transforms":["skipped",{"op":"hflip"}]}

            """.utf8), manifest)
        let output = scratch.appendingPathComponent("out")
        let result = try Self.run(scratch, ["--out", output.path, "--replay", manifest.path])
        #expect(result.status == 0, "\(result.standardError)")
        let files = try Self.contents(of: output)
        #expect(files.keys.sorted() == ["crops/c.png", "flipped.png"])

        let c = try #require(Self.dataset["cls/c.png"])
        let crop = try PNG.decode(try #require(files["crops/c.png"]))
        #expect(crop.width == 3 && crop.height == 4)
        for y in 0..<4 { for x in 0..<3 { #expect(crop[x, y] == c[x + 1, y + 2]) } }

        let a = try #require(Self.dataset["a.png"])
        let flipped = try PNG.decode(try #require(files["flipped.png"]))
        let grey = try PNG.decode(try PNG.encode(a), options: .init(channels: 1))
        #expect(flipped.channels == 1)
        for y in 0..<30 { for x in 0..<40 { #expect(flipped[x, y] == grey[39 - x, y]) } }
        #expect(try #require(files["flipped.png"]) == (try PNG.encode(flipped, compression: .level(0))),
                "written at the manifest's compression")
    }

    @Test("the same seed gives identical bytes, another seed does not; an image's outputs ignore the other files")
    func seedsAndIndependence() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pipeline = scratch.appendingPathComponent("pipeline.json").path
        func outputs(seed: String, folder: String, input: String = "in") throws -> [String: [UInt8]] {
            let output = scratch.appendingPathComponent(folder)
            let result = try CommandRunner.augment(["run", scratch.appendingPathComponent(input).path, "--out", output.path,
                                                    "--pipeline", pipeline, "--seed", seed, "--copies", "2", "-q"])
            #expect(result.status == 0, "\(result.standardError)")
            return try Self.contents(of: output)
        }
        let one = try outputs(seed: "1", folder: "one")
        #expect(try outputs(seed: "1", folder: "again") == one)
        let two = try outputs(seed: "2", folder: "two")
        #expect(two.keys.sorted() == one.keys.sorted())
        #expect(two.allSatisfy { $0.value != one[$0.key] }, "another seed changes every output")

        // cls/b.png alone in a folder of its own: the same relative path, the same outputs.
        try Self.write(try PNG.encode(try #require(Self.dataset["cls/b.png"])), scratch.appendingPathComponent("alone/cls/b.png"))
        let alone = try outputs(seed: "1", folder: "alone-out", input: "alone")
        #expect(alone.keys.sorted() == ["cls/b_0.png", "cls/b_1.png"])
        #expect(alone["cls/b_0.png"] == one["cls/b_0.png"] && alone["cls/b_1.png"] == one["cls/b_1.png"])
    }

    @Test("a bad pipeline file is refused before any image is read: exit 64, the message, nothing written")
    func badPipeline() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bad = scratch.appendingPathComponent("bad.yaml")
        try Self.write(Array("transforms:\n  - op: hflip\n  - op: rotate\n    angle: [-30, 30]\n    fill: 300\n".utf8), bad)
        let output = scratch.appendingPathComponent("out")
        let result = try Self.run(scratch, ["--out", output.path, "--pipeline", bad.path])
        #expect(result.status == 64)
        #expect(result.standardError == "error: \(bad.path): transforms[1] (rotate): key \"fill\": expected an integer 0-255, "
            + "or a list of 1 to 4 of them (one per channel), found 300\n")
        #expect(!FileManager.default.fileExists(atPath: output.path), "not even the output folder is made")

        let missing = try Self.run(scratch, ["--out", output.path, "--pipeline", scratch.appendingPathComponent("none.json").path])
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("none.json: cannot read it: No such file or directory"))
    }

    @Test("a transform that does not fit one image fails that image alone, naming the transform")
    func drawFailure() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pipeline = scratch.appendingPathComponent("crop.json")
        try Self.write(Array(#"{"transforms": [{"op": "random_crop", "width": 32, "height": 32}]}"#.utf8), pipeline)
        let output = scratch.appendingPathComponent("out")
        let result = try Self.run(scratch, ["--out", output.path, "--pipeline", pipeline.path])
        #expect(result.status == 1)
        #expect(result.errorLines == ["error: a.png: transforms[0] (random_crop): a random crop of 32x32 does not fit inside the 40x30 image"])
        #expect(try Self.contents(of: output).keys.sorted() == ["cls/b.png", "cls/c.png"], "with one copy, names are kept")
    }

    @Test("--replay refuses drawing options; a bad manifest or --copies 0 is a bad option")
    func badOptions() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out").path
        let manifest = scratch.appendingPathComponent("m.jsonl")
        try Self.write(Array(#"{"input":"../a.png","output":"a.png","seed":0,"copy":0,"channels":null,"compression":"fast","transforms":[]}"#.utf8), manifest)

        let conflicting = try Self.run(scratch, ["--out", output, "--replay", manifest.path, "--seed", "3", "--compression", "small"])
        #expect(conflicting.status == 64)
        #expect(conflicting.standardError.contains("drop --seed, --compression"))
        let unsafe = try Self.run(scratch, ["--out", output, "--replay", manifest.path])
        #expect(unsafe.status == 64)
        #expect(unsafe.standardError == "error: \(manifest.path): line 1: \"input\" must be a relative path without . or .. components\n")
        let copies = try Self.run(scratch, ["--out", output, "--copies", "0"])
        #expect(copies.status == 64)
        #expect(copies.standardError.contains("--copies must be 1 to 1,000,000, not 0"))
        // Beyond what the worker protocol's u32 (and any sane run) holds: refused, not a crash.
        let tooMany = try Self.run(scratch, ["--out", output, "--copies", "5000000000", "--executor", "processes"])
        #expect(tooMany.status == 64)
        #expect(tooMany.standardError.contains("--copies must be 1 to 1,000,000, not 5000000000"))
        let seed = try Self.run(scratch, ["--out", output, "--seed", "-1"])
        #expect(seed.status == 64)
    }

    @Test("--help describes the pipeline options")
    func help() throws {
        let help = try CommandRunner.augment(["run", "--help"])
        for option in ["--pipeline <file>", "--seed <n>", "--copies <k>", "--manifest <file>", "--replay <file>",
                       "random_resized_crop", "name_k.png", "byte for byte"] {
            #expect(help.standardOutput.contains(option), "\(option)")
        }
    }

    @Test("the bundled pipeline augments images/ to 96x96, and the YAML twin gives the same bytes")
    func bundledPipeline() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-bundled")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var results: [[String: [UInt8]]] = []
        for file in ["standard.json", "standard.yaml"] {
            let output = scratch.appendingPathComponent(file)
            let pipeline = TestData.packageRoot.appendingPathComponent("pipelines/" + file).path
            let result = try CommandRunner.augment(["run", TestData.bundledImages.path, "--out", output.path,
                                                    "--pipeline", pipeline])
            #expect(result.status == 0, "\(result.standardError)")
            results.append(try Self.contents(of: output))
        }
        #expect(results[0] == results[1])
        #expect(results[0].count == (try ImageFolder(TestData.bundledImages.path)).relativePaths.count)
        for (path, bytes) in results[0] {
            let image = try PNG.decode(bytes)
            #expect(image.width == 96 && image.height == 96, "\(path)")
        }
    }

    @Test("the bundled pipeline on the Kodak photos, then a byte-identical replay",
          .enabled(if: TestData.kodak != nil, Comment(rawValue: TestData.absentNote)))
    func kodak() throws {
        let kodak = try #require(TestData.kodak)
        let scratch = try TestData.makeTemporaryFolder("augment-kodak")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let manifest = scratch.appendingPathComponent("kodak.jsonl").path
        let pipeline = TestData.packageRoot.appendingPathComponent("pipelines/standard.json").path
        let first = try CommandRunner.augment(["run", kodak.path, "--out", scratch.appendingPathComponent("a").path,
                                               "--pipeline", pipeline, "--seed", "2024", "--manifest", manifest])
        #expect(first.status == 0, "\(first.standardError)")
        let outputs = try Self.contents(of: scratch.appendingPathComponent("a"))
        let photos = try FileManager.default.contentsOfDirectory(atPath: kodak.path).filter { $0.hasSuffix(".png") }
        #expect(outputs.count == photos.count)
        let replay = try CommandRunner.augment(["run", kodak.path, "--out", scratch.appendingPathComponent("b").path,
                                                "--replay", manifest])
        #expect(replay.status == 0)
        #expect(try Self.contents(of: scratch.appendingPathComponent("b")) == outputs)
    }
}
