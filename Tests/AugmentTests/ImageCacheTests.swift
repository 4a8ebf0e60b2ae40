import Foundation
import Testing
@_spi(Fuzzing) @testable import Augment

/// The decoded-image cache (`augment cache`): what it holds against the decoder's own output,
/// runs and batches over it against the same runs over the folder, and every way a cache file
/// can be damaged, stale or foreign.
@Suite("Image cache")
struct ImageCacheTests {
    /// The bundled images (two class folders, `shapes` and `textures`, and PNGs directly in the
    /// root: grey, palette, 16-bit, interlaced, alpha) plus a corrupt `shapes/broken.png`.
    static func makeDataset() throws -> URL {
        let root = try TestData.makeTemporaryFolder("augment-cache")
        for name in try FileManager.default.contentsOfDirectory(atPath: TestData.bundledImages.path) {
            try FileManager.default.copyItem(at: TestData.bundledImages.appendingPathComponent(name),
                                             to: root.appendingPathComponent(name))
        }
        try Data("not a PNG at all".utf8).write(to: root.appendingPathComponent("shapes/broken.png"))
        return root
    }

    static func build(_ root: URL, workers: Int = 2, resize: ImageCacheMetadata.Resize = .none) throws -> (URL, ImageCache.BuildSummary) {
        let file = root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + ".augc")
        let summary = try ImageCache.build(try ImageCache.Contents(folder: root.path), to: file.path,
                                           options: .init(resize: resize, workers: workers))
        return (file, summary)
    }

    @Test("XXH64 gives the published digests")
    func xxhash() {
        #expect(XXHash64.hash(Array("".utf8)) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(XXHash64.hash(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x0B24_2D36_1FDA_71BC)
    }

    @Test("every image is what the decoder gives for its file, with its label; a corrupt file is kept as failed")
    func contents() throws {
        let root = try Self.makeDataset()
        let (file, summary) = try Self.build(root)
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        let folder = try ImageFolder(root.path)
        let cache = try ImageCache(path: file.path)
        #expect(cache.entries.map(\.path) == folder.relativePaths)
        #expect(summary.decoded == folder.relativePaths.count - 1)
        #expect(summary.failures.map(\.relativePath) == ["shapes/broken.png"])
        let labelled = try LabelledDataset(folderPerClass: root.path)
        #expect(cache.metadata.classes == labelled.classes)
        let labels = Dictionary(uniqueKeysWithValues: labelled.samples.map { ($0.path, $0.label) })
        for (index, entry) in cache.entries.enumerated() {
            #expect(entry.label == labels[entry.path] ?? -1, "\(entry.path)")
            let bytes = try TestData.bytes(of: root.appendingPathComponent(entry.path))
            switch Result(catching: { () throws(PNGError) -> Image in try PNG.decode(bytes) }) {
            case .success(let decoded):
                #expect(entry.failure == nil)
                #expect(try cache.image(at: index) == decoded, "\(entry.path)")
            case .failure(let error):
                #expect(entry.failure == error.description, "the reason the decoder gives")
            }
        }
        #expect(Set(cache.entries.map(\.channels)).isSuperset(of: [1, 2, 3, 4]), "the files' own channels are kept")
        #expect(cache.index(of: "nowhere.png") == nil)
        #expect(cache.index(of: "shapes/circles_palette.png").map { cache.entry(at: $0).path } == "shapes/circles_palette.png")
    }

    @Test("the same files give the same cache bytes whatever the worker count")
    func workerCounts() throws {
        let root = try Self.makeDataset()
        defer { try? FileManager.default.removeItem(at: root) }
        let (one, _) = try Self.build(root, workers: 1)
        let first = try TestData.bytes(of: one)
        let (three, _) = try Self.build(root, workers: 3)
        defer { try? FileManager.default.removeItem(at: three) }
        #expect(try TestData.bytes(of: three) == first)
        #expect(Array(first.prefix(8)) == Array("AUGCACHE".utf8))
    }

    @Test("--size and --max-side resize before storing; --max-side keeps the aspect ratio and never enlarges")
    func resizing() throws {
        let root = try TestData.makeTemporaryFolder("augment-cache-resize")
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(try PNG.encode(Image(width: 40, height: 20, channels: 3, repeating: 77))).write(to: root.appendingPathComponent("wide.png"))
        try Data(try PNG.encode(Image(width: 6, height: 9, channels: 1, repeating: 200))).write(to: root.appendingPathComponent("small.png"))
        let (file, _) = try Self.build(root, resize: .maxSide(10))
        let cache = try ImageCache(path: file.path)
        // Uniform images stay uniform under area averaging.
        #expect(try cache.image(at: cache.index(of: "wide.png")!) == Image(width: 10, height: 5, channels: 3, repeating: 77))
        #expect(try cache.image(at: cache.index(of: "small.png")!) == Image(width: 6, height: 9, channels: 1, repeating: 200))
        #expect(cache.metadata.resize == .maxSide(10))
        let (exact, _) = try Self.build(root, resize: .size(Size(width: 8, height: 8)))
        defer { try? FileManager.default.removeItem(at: exact) }
        let resized = try ImageCache(path: exact.path)
        #expect(resized.entries.allSatisfy { $0.width == 8 && $0.height == 8 })
    }

    /// The cache file, damaged by `damage`, and what opening it (or reading `image`) says.
    static func damaged(_ damage: (inout [UInt8], ImageCache) throws -> Void) throws -> (error: String?, imageError: String?) {
        let root = try Self.makeDataset()
        let (file, _) = try Self.build(root)
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        var bytes = try TestData.bytes(of: file)
        try damage(&bytes, try ImageCache(path: file.path))
        try Data(bytes).write(to: file)
        do {
            let cache = try ImageCache(path: file.path)
            for index in 0..<cache.count where cache.entry(at: index).failure == nil {
                do { _ = try cache.image(at: index) } catch { return (nil, error.description) }
            }
            return (nil, nil)
        } catch {
            return (error.description, nil)
        }
    }

    @Test("a truncated, appended-to, corrupted or foreign file is named and refused, never read")
    func damage() throws {
        #expect(try Self.damaged { bytes, _ in bytes.removeLast(100) }.error?.contains("truncated") == true)
        #expect(try Self.damaged { bytes, _ in bytes.removeLast(bytes.count - 50) }.error?.contains("truncated: 50 bytes, shorter than a cache's header") == true)
        #expect(try Self.damaged { bytes, _ in bytes += [0] }.error?.contains("something was appended") == true)
        #expect(try Self.damaged { bytes, _ in bytes[30] ^= 1 }.error?.contains("header does not match") == true)
        #expect(try Self.damaged { bytes, _ in bytes[8] = 2 }.error?.contains("format version 2") == true)
        #expect(try Self.damaged { bytes, _ in bytes[bytes.count - 3] ^= 0x20 }.error?.contains("index does not match") == true)
        #expect(try Self.damaged { bytes, _ in bytes = [UInt8](repeating: 0, count: bytes.count) }.error?
            .contains("not an image cache") == true, "a temporary file whose header was never written")
        // One pixel byte of one image: that image is refused by name when read, the others are fine.
        let pixel = try Self.damaged { bytes, cache in
            #expect(cache.index(of: "gradient_rgb.png") != nil)
            bytes[Self.dataOffset(of: "gradient_rgb.png", in: bytes) + 5] ^= 0x01
        }
        #expect(pixel.error == nil)
        #expect(pixel.imageError?.contains("the pixels of gradient_rgb.png do not match their checksum") == true)
    }

    @Test("random damage (flipped bytes, truncations, appended bytes) is refused or harmless, never read as other pixels")
    func randomDamage() throws {
        let root = try Self.makeDataset()
        let (file, _) = try Self.build(root)
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        let original = try TestData.bytes(of: file)
        let reference = try ImageCache(path: file.path)
        let images = try (0..<reference.count).map { index in
            reference.entry(at: index).failure == nil ? try reference.image(at: index) : nil
        }
        var generator = SplitMix64(seed: 2026)
        var refusedAtOpen = 0, refusedAtRead = 0, harmless = 0
        for trial in 0..<400 {
            var bytes = original
            switch trial % 4 {
            case 0, 1:  // one to three flipped bits anywhere
                for _ in 0...(generator.next() % 3) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(1) << (generator.next() % 8)
                }
            case 2: bytes.removeLast(1 + Int(generator.next() % UInt64(bytes.count - 1)))
            default: bytes += (0..<(1 + generator.next() % 100)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            }
            try Data(bytes).write(to: file)
            guard let cache = try? ImageCache(path: file.path) else { refusedAtOpen += 1; continue }
            var refused = false
            for index in 0..<cache.count where cache.entry(at: index).failure == nil {
                do {
                    let image = try cache.image(at: index)
                    #expect(image == images[index], "trial \(trial): image \(index) read as other pixels")
                } catch {
                    refused = true
                }
            }
            if refused { refusedAtRead += 1 } else { harmless += 1 }
        }
        #expect(refusedAtOpen > 100 && refusedAtRead > 50, "\(refusedAtOpen) refused at open, \(refusedAtRead) at a read, \(harmless) harmless")
    }

    @Test("the fuzzer's crashing inputs (Fixtures/fuzz/cache-*) are refused or read, never a trap")
    func fuzzRegressions() throws {
        let folder = TestData.packageRoot.appendingPathComponent("Tests/AugmentTests/Fixtures/fuzz")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("cache-") }.sorted()
        #expect(!names.isEmpty)
        let scratch = try TestData.makeTemporaryFolder("augment-cache-fuzz")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in names {
            let input = try TestData.bytes(of: folder.appendingPathComponent(name))
            // As the fuzz target does: an odd-length input has its checksums recomputed first.
            for bytes in [input, ImageCache.withChecksumsRecomputed(input)] {
                let file = scratch.appendingPathComponent(name)
                try Data(bytes).write(to: file)
                guard let cache = try? ImageCache(path: file.path) else { continue }
                for index in 0..<cache.count {
                    let entry = cache.entry(at: index)
                    #expect(cache.index(of: entry.path) != nil)
                    if entry.failure == nil, let image = try? cache.image(at: index) {
                        #expect(image.width == entry.width && image.height == entry.height)
                    }
                }
            }
        }
    }

    @Test("recomputed checksums let a changed index through, so the fuzzer reaches the checks behind them")
    func recomputedChecksums() throws {
        let root = try Self.makeDataset()
        let (file, _) = try Self.build(root)
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        var bytes = try TestData.bytes(of: file)
        #expect(ImageCache.withChecksumsRecomputed(bytes) == bytes, "a valid cache's checksums are already right")
        let indexOffset = (0..<8).reduce(0) { $0 | Int(bytes[24 + $1]) << (8 * $1) }
        bytes.replaceSubrange(indexOffset + 20..<indexOffset + 24, with: [1, 0, 0, 0])  // the first record's label
        #expect(throws: ImageCacheError.self) { try Data(bytes).write(to: file); _ = try ImageCache(path: file.path) }
        try Data(ImageCache.withChecksumsRecomputed(bytes)).write(to: file)
        #expect(try ImageCache(path: file.path).entry(at: 0).label == 1)
    }

    /// Where the pixels of `path` start, read from the index as docs/cache-format.md lays it out.
    static func dataOffset(of path: String, in bytes: [UInt8]) -> Int {
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let count = u64(16), indexOffset = u64(24), namesOffset = u64(32)
        for record in 0..<count {
            let base = indexOffset + 64 * record
            let start = namesOffset + u64(base + 32), length = u32(base + 40)
            if String(decoding: bytes[start..<start + length], as: UTF8.self) == path { return u64(base) }
        }
        return -1
    }

    @Test("a cache built by another version of augment is refused")
    func otherVersion() throws {
        let root = try Self.makeDataset()
        let file = root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + "-old.augc")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        _ = try ImageCache.build(try ImageCache.Contents(folder: root.path), to: file.path, options: .init(),
                                 producer: "0.0.1 (libpng 1.2.3)")
        #expect(throws: ImageCacheError.self) { try ImageCache(path: file.path) }
        do { _ = try ImageCache(path: file.path) } catch {
            #expect(error.reason.contains("built by augment 0.0.1 (libpng 1.2.3); this is augment \(AugmentVersion.description)"))
        }
    }

    @Test("a cache of other files than the folder holds now is refused; without its folder it is used as it is")
    func staleness() throws {
        let root = try Self.makeDataset()
        let (file, _) = try Self.build(root)
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: file) }
        func openError() -> String? {
            do { _ = try ImageSource.open(file.path); return nil } catch { return error.description }
        }
        #expect(openError() == nil)
        let changed = root.appendingPathComponent("ramp_grey.png")
        let original = try Data(contentsOf: changed)
        try (original + Data([0])).write(to: changed)
        #expect(openError()?.contains("ramp_grey.png has changed") == true)
        try original.write(to: changed)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: changed.path)
        #expect(openError()?.contains("ramp_grey.png has changed") == true, "same bytes, another modification time")
        _ = try Self.build(root)
        #expect(openError() == nil, "rebuilt")
        try Data(try PNG.encode(Image(width: 2, height: 2, channels: 1))).write(to: root.appendingPathComponent("shapes/new.png"))
        #expect(openError()?.contains("shapes/new.png was added") == true)
        try FileManager.default.removeItem(at: root.appendingPathComponent("shapes/new.png"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("sprite_rgba.png"))
        #expect(openError()?.contains("sprite_rgba.png was removed") == true)
        let moved = root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + "-moved")
        try FileManager.default.moveItem(at: root, to: moved)
        defer { try? FileManager.default.removeItem(at: moved) }
        #expect(openError() == nil, "the folder is gone: the cache holds everything it needs")
    }
}
