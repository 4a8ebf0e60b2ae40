import Foundation
import Testing
@testable import Augment

/// `augment run` and `augment info`, driven through the built executable as a user drives them.
@Suite("augment run and info")
struct RunCommandTests {
    /// A small image whose every byte is a known function of its position.
    static func patterned(width: Int, height: Int, channels: Int, salt: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<width * height * channels).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ salt) })
    }

    /// Writes a dataset with class folders, a mixed-case extension, files to ignore and two bad PNGs.
    static func makeDataset() throws -> (root: URL, images: [String: Image]) {
        let root = try TestData.makeTemporaryFolder("augment-input")
        let images: [String: Image] = [
            "a.png": patterned(width: 5, height: 4, channels: 3, salt: 1),
            "B.PNG": patterned(width: 3, height: 7, channels: 1, salt: 2),
            "cls1/c.png": patterned(width: 6, height: 2, channels: 4, salt: 3),
            "cls2/deep/d.png": patterned(width: 1, height: 1, channels: 2, salt: 4),
        ]
        for (path, image) in images { try write(try PNG.encode(image), root, path) }
        try write(Array("not an image".utf8), root, "notes.txt")
        try write(try PNG.encode(patterned(width: 2, height: 2, channels: 3, salt: 5)), root, ".hidden.png")
        let good = try PNG.encode(patterned(width: 8, height: 8, channels: 3, salt: 6))
        try write(Array(good.prefix(good.count / 2)), root, "cls1/broken.png")
        try write(Array("GIF89a, a text file wearing a .png name".utf8), root, "fake.png")
        return (root, images)
    }

    static func write(_ bytes: [UInt8], _ root: URL, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Every regular file below `root`, relative, sorted.
    static func files(below root: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder),
               !isFolder.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    @Test("writes every PNG to the same relative path with the same pixels, and reports the bad ones")
    func runsTheFolder() throws {
        let (input, images) = try Self.makeDataset()
        let output = try TestData.makeTemporaryFolder("augment-output").appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }

        let result = try CommandRunner.augment(["run", input.path, "--out", output.path])

        #expect(result.status == 1, "some images failed, so the exit status is 1")
        #expect(Self.files(below: output) == images.keys.sorted(), "only the good PNGs are written, nothing else")
        for (path, image) in images {
            let written = try PNG.decode(TestData.bytes(of: output.appendingPathComponent(path)))
            #expect(written == image, "\(path) keeps its pixels")
        }
        #expect(result.errorLines.count == 2)
        #expect(result.errorLines.contains("error: cls1/broken.png: file is truncated"))
        #expect(result.errorLines.contains("error: fake.png: Not a PNG file"))
        #expect(result.standardOutput.contains("wrote 4 images to \(output.path), 2 failed"))
    }

    @Test("exit status 0 when every image is written; --channels converts")
    func channelsAndSuccess() throws {
        let input = try TestData.makeTemporaryFolder("augment-input")
        let output = try TestData.makeTemporaryFolder("augment-output")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: output) }
        let rgb = Image(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255])
        try Self.write(try PNG.encode(rgb), input, "red-blue.png")

        let result = try CommandRunner.augment(["run", input.path, "-o", output.path, "--channels", "1", "--quiet"])

        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty, "--quiet prints no summary")
        let grey = try PNG.decode(TestData.bytes(of: output.appendingPathComponent("red-blue.png")))
        // BT.601 luma: 0.299 * 255 = 76.2 and 0.114 * 255 = 29.1
        #expect(grey == Image(width: 2, height: 1, channels: 1, pixels: [76, 29]))
    }

    @Test("refuses an output folder equal to or inside the input, before writing anything")
    func outputInsideInput() throws {
        let (input, _) = try Self.makeDataset()
        defer { try? FileManager.default.removeItem(at: input) }
        let before = Self.files(below: input)
        for output in [input.path, input.appendingPathComponent("cls1/new").path, input.path + "/./cls2/.."] {
            let result = try CommandRunner.augment(["run", input.path, "--out", output])
            #expect(result.status == 2)
            #expect(result.standardError.contains("is inside the input folder"), "\(result.standardError)")
        }
        #expect(Self.files(below: input) == before, "nothing was written into the input")
    }

    @Test("a missing input folder, an input that is a file, an unwritable output: exit 2 with the reason")
    func cannotRun() throws {
        let scratch = try TestData.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.write([1, 2, 3], scratch, "plain-file")

        let missing = try CommandRunner.augment(["run", scratch.appendingPathComponent("nowhere").path, "--out", scratch.appendingPathComponent("o").path])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nowhere: No such file or directory"))

        let notFolder = try CommandRunner.augment(["run", scratch.appendingPathComponent("plain-file").path, "--out", scratch.appendingPathComponent("o").path])
        #expect(notFolder.status == 2)
        #expect(notFolder.standardError.contains("plain-file: not a folder, and not an image cache"))

        let input = try TestData.makeTemporaryFolder("augment-input")
        defer { try? FileManager.default.removeItem(at: input) }
        let unwritable = try CommandRunner.augment(["run", input.path, "--out", scratch.appendingPathComponent("plain-file/out").path])
        #expect(unwritable.status == 2)
        #expect(unwritable.standardError.contains("cannot create folder"))
        #expect(unwritable.standardError.contains("Not a directory"))
    }

    @Test("bad options are refused with exit status 64 and a message naming the option")
    func badOptions() throws {
        let result = try CommandRunner.augment(["run", "in", "--out", "out", "--channels", "2"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--channels must be 1, 3 or 4"))
        let compression = try CommandRunner.augment(["run", "in", "--out", "out", "--compression", "max"])
        #expect(compression.status == 64)
        #expect(compression.standardError.contains("--compression"))
    }

    @Test("links that lead outside the input are not followed; links inside are, and loops end")
    func symbolicLinks() throws {
        let scratch = try TestData.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in"), outside = scratch.appendingPathComponent("outside")
        let inside = Self.patterned(width: 2, height: 2, channels: 3, salt: 7)
        try Self.write(try PNG.encode(inside), input, "real/inside.png")
        try Self.write(try PNG.encode(Self.patterned(width: 2, height: 2, channels: 3, salt: 8)), outside, "secret.png")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: input.appendingPathComponent("to-secret.png").path, withDestinationPath: outside.appendingPathComponent("secret.png").path)
        try manager.createSymbolicLink(atPath: input.appendingPathComponent("to-outside").path, withDestinationPath: outside.path)
        try manager.createSymbolicLink(atPath: input.appendingPathComponent("alias.png").path, withDestinationPath: "real/inside.png")
        try manager.createSymbolicLink(atPath: input.appendingPathComponent("real/loop").path, withDestinationPath: "..")

        let folder = try ImageFolder(input.path)
        #expect(folder.relativePaths == ["alias.png", "real/inside.png"])
        #expect(Set(folder.skipped.map(\.relativePath)) == ["to-outside", "to-secret.png"])

        let output = scratch.appendingPathComponent("out")
        let result = try CommandRunner.augment(["run", input.path, "--out", output.path])
        #expect(result.status == 0)
        #expect(Self.files(below: output) == ["alias.png", "real/inside.png"])
        #expect(result.standardError.contains("warning: to-secret.png: symbolic link leads outside the input folder"))
    }

    @Test("a file-size limit stops the run: exit 2, one clear error, no partial or temporary files",
          .disabled(if: Sanitizer.isThread, Comment(rawValue: Sanitizer.fileSizeLimitNote)))
    func fullDisk() throws {
        let input = try TestData.makeTemporaryFolder("augment-input")
        let output = try TestData.makeTemporaryFolder("augment-output")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: output) }
        // Random bytes do not compress: each output is about 12 KiB, beyond a limit of 8 KiB.
        var generator = SystemRandomNumberGenerator()
        let noise = Image(width: 64, height: 64, channels: 3, pixels: (0..<64 * 64 * 3).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let small = Self.patterned(width: 4, height: 4, channels: 1, salt: 9)
        try Self.write(try PNG.encode(small), input, "a-small.png")
        for name in ["b-large.png", "c-large.png", "d-large.png"] { try Self.write(try PNG.encode(noise, compression: .level(0)), input, name) }

        // `ulimit -f` counts 1024-byte blocks in dash and bash. augment ignores SIGXFSZ itself (the
        // shell does not here), so that write() fails with EFBIG instead of the signal killing it.
        // The serial executor, whose order is fixed; ExecutorTests.fullDisk covers the others.
        let result = try CommandRunner.augment(["run", input.path, "--out", output.path, "--executor", "serial"],
                                               shellPrefix: "ulimit -f 8;")

        #expect(result.status == 2)
        #expect(result.errorLines.first == "error: b-large.png: cannot write \(output.path)/b-large.png: File too large")
        #expect(result.standardError.contains("stopped: cannot write"))
        #expect(result.standardError.contains("2 images not attempted"))
        #expect(Self.files(below: output) == ["a-small.png"], "only the complete output; no temporaries")
        #expect(try PNG.decode(TestData.bytes(of: output.appendingPathComponent("a-small.png"))) == small)
    }

    @Test("info describes valid files and names the reason for invalid ones")
    func info() throws {
        let scratch = try TestData.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.write(try PNG.encode(Self.patterned(width: 7, height: 3, channels: 4, salt: 1)), scratch, "rgba.png")
        try Self.write([], scratch, "empty.png")
        let good = scratch.appendingPathComponent("rgba.png").path, empty = scratch.appendingPathComponent("empty.png").path

        let result = try CommandRunner.augment(["info", good, empty])

        #expect(result.status == 1)
        #expect(result.standardOutput == "\(good): 7x3, RGBA, 8-bit, not interlaced, decodes to 4 channels\n")
        #expect(result.errorLines == ["error: \(empty): file is empty"])
    }

    @Test("PngSuite: valid files written, the 14 corrupt ones reported, exit status 1",
          .enabled(if: TestData.pngSuite != nil, Comment(rawValue: TestData.absentNote)))
    func pngSuite() throws {
        let suite = try #require(TestData.pngSuite)
        let output = try TestData.makeTemporaryFolder("augment-output")
        defer { try? FileManager.default.removeItem(at: output) }
        let pngs = try FileManager.default.contentsOfDirectory(atPath: suite.path).filter { $0.hasSuffix(".png") }
        let corrupt = pngs.filter { $0.hasPrefix("x") }

        let result = try CommandRunner.augment(["run", suite.path, "--out", output.path])

        #expect(result.status == 1)
        #expect(Set(result.errorLines.map { String($0.dropFirst("error: ".count).prefix { $0 != ":" }) }) == Set(corrupt))
        #expect(corrupt.count == 14)
        #expect(Self.files(below: output) == pngs.filter { !$0.hasPrefix("x") }.sorted())
    }

    @Test("other image formats, an empty folder and copies without a pipeline are warned about")
    func warnings() throws {
        let scratch = try TestData.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in")
        try Self.write(try PNG.encode(Self.patterned(width: 2, height: 2, channels: 3, salt: 1)), input, "a.png")
        try Self.write(Array("JFIF".utf8), input, "cls/b.JPG")
        try Self.write(Array("RIFF".utf8), input, "c.webp")
        try Self.write(Array("text".utf8), input, "notes.txt")

        let mixed = try CommandRunner.augment(["run", input.path, "--out", scratch.appendingPathComponent("o1").path, "--copies", "2"])
        #expect(mixed.status == 0)
        #expect(mixed.standardError.contains("warning: 2 files with another image format's extension"))
        #expect(mixed.standardError.contains("are not read: augment reads PNG only"))
        #expect(mixed.standardError.contains("warning: --copies 2 without --pipeline writes 2 identical copies of each image"))

        let empty = scratch.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try CommandRunner.augment(["run", empty.path, "--out", scratch.appendingPathComponent("o2").path])
        #expect(none.status == 0)
        #expect(none.standardError.contains("warning: no PNG files found below \(empty.path)"))
        #expect(none.standardOutput.contains("wrote 0 images"))
    }
}
