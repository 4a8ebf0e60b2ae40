import CZlib
import Foundation
import Testing
@testable import Augment

/// Faults from outside the program, injected into real runs of the built `augment`: worker
/// processes killed at random moments or half-way through a write, an output disk that fills
/// up, inputs that change between listing and reading, a 100-megapixel image and 50,000 tiny
/// ones. Random choices are seeded and the seeds printed; `AUGMENT_FAULT_SEED=N` replays one.
/// (Runs under a file-size limit, which augment must survive without the shell ignoring
/// SIGXFSZ for it, are `ExecutorTests.fullDisk`, `RunCommandTests.fullDisk` and
/// `CacheCommandTests.fullDisk`.) Serialized: the timing-sensitive runs should not share the
/// cores with each other.
@Suite("Fault injection", .serialized)
struct FaultInjectionTests {
    static let executors: [[String]] = ExecutorTests.executors

    /// Flips: they keep each image's size and cost little, so that on noise images decoding,
    /// encoding and writing take most of the time and a random kill lands in any of them.
    static let flipsPipeline = """
        {"transforms": [{"op": "hflip", "p": 0.5}, {"op": "vflip", "p": 0.5}]}
        """

    /// `count` RGB images of seeded noise (incompressible) and seeded sizes, in two folders.
    static func noiseImages(count: Int, seed: UInt64, widths: ClosedRange<Int>, heights: ClosedRange<Int>) -> [String: Image] {
        var generator = SeededGenerator(seed: seed)
        return Dictionary(uniqueKeysWithValues: (0..<count).map { index in
            let width = widths.lowerBound + Int(generator.next() % UInt64(widths.count))
            let height = heights.lowerBound + Int(generator.next() % UInt64(heights.count))
            let path = (index % 2 == 0 ? "even/" : "odd/") + "img_\(index).png"
            return (path, Image(width: width, height: height, channels: 3, pixels: generator.bytes(width * height * 3)))
        })
    }

    /// A scratch folder with `in/` holding `images` and `pipeline.json` holding `pipeline`.
    static func makeScratch(_ images: [String: Image], pipeline: String) throws -> URL {
        let scratch = try TestData.makeTemporaryFolder("augment-faults")
        for (path, image) in images {
            try PipelineRunTests.write(try PNG.encode(image), scratch.appendingPathComponent("in/" + path))
        }
        try PipelineRunTests.write(Array(pipeline.utf8), scratch.appendingPathComponent("pipeline.json"))
        return scratch
    }

    /// The outputs of `path` with `copies` copies (`name_k.png`, or the same name for 1).
    static func outputs(of path: String, copies: Int) -> [String] {
        guard copies > 1 else { return [path] }
        return (0..<copies).map { path.dropLast(4) + "_\($0).png" }
    }

    static func temporaries(_ contents: [String: [UInt8]]) -> [String] {
        contents.keys.filter { $0.contains(".tmp-") }.sorted()
    }

    static func noWorkerLeft(_ mark: String) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if RunningCommand.processes(withEnvironment: "AUGMENT_TEST_MARK=\(mark)").isEmpty { return true }
            usleep(20_000)
        }
        return false
    }

    // MARK: - Workers killed

    /// The seeds of the random-kill runs; `AUGMENT_FAULT_SEED=N` runs that seed alone.
    static let killSeeds: [UInt64] = ProcessInfo.processInfo.environment["AUGMENT_FAULT_SEED"].flatMap { UInt64($0) }.map { [$0] }
        ?? [0xFA17_0001, 0xFA17_0002, 0xFA17_0003]

    static let deathByKill = "its worker ended twice while processing it (killed by signal 9)"

    @Test("worker processes killed by SIGKILL at random moments: every image written once, as serially, or reported; no temporaries, no orphans")
    func workersKilledAtRandom() throws {
        // 60 images of the same 400x300 noise (about 15 ms each here): a run of about half a
        // second on 2 workers, long enough to be hit several times.
        let noise = Self.noiseImages(count: 1, seed: 41, widths: 400...400, heights: 300...300).values.first!
        let images = Dictionary(uniqueKeysWithValues: (0..<60).map { ((["even/", "odd/"][$0 % 2]) + "img_\($0).png", noise) })
        let scratch = try Self.makeScratch(images, pipeline: Self.flipsPipeline)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in").path
        let common = ["--pipeline", scratch.appendingPathComponent("pipeline.json").path, "--seed", "3", "--copies", "2"]
        let serial = scratch.appendingPathComponent("serial")
        let reference = try CommandRunner.augment(["run", input, "--out", serial.path, "--executor", "serial"] + common)
        #expect(reference.status == 0, "\(reference.standardError)")
        let expected = try PipelineRunTests.contents(of: serial)
        #expect(expected.count == 120)

        for seed in Self.killSeeds {
            let output = scratch.appendingPathComponent("killed-\(seed)")
            let mark = UUID().uuidString
            let started = Date()
            let run = try RunningCommand(["run", input, "--out", output.path, "--executor", "processes", "--workers", "2"] + common,
                                         environment: ["AUGMENT_TEST_MARK": mark])
            // The killer: once the run has written something (workers that never get going are
            // taken for workers that cannot start), after a seeded pause of 20-100 ms, SIGKILL to
            // a seeded choice among the live workers, at most 6 times (so that the run can finish).
            _ = run.wait(upTo: 20) { FileManager.default.fileExists(atPath: output.appendingPathComponent("even/img_0_0.png").path) }
            var generator = SeededGenerator(seed: seed)
            var kills = 0
            while kills < 6 && run.isRunning {
                usleep(useconds_t(20_000 + generator.next() % 80_000))
                let workers = ProcessTable.children(of: run.pid)
                guard !workers.isEmpty else { continue }
                if kill(workers[Int(generator.next() % UInt64(workers.count))], SIGKILL) == 0 { kills += 1 }
            }
            let result = run.finish()
            print("workersKilledAtRandom: seed \(seed) (AUGMENT_FAULT_SEED=\(seed) replays its choices): \(kills) kills, "
                + String(format: "%.2f s, ", Date().timeIntervalSince(started)) + "\(result.errorLines.count) images reported failed")
            let context = Comment(rawValue: "seed \(seed), \(kills) kills: \(result.standardError)")
            #expect(kills >= 3, "the run lasted long enough to be hit several times; \(context)")

            // An image may be reported failed (its worker was killed on it twice), nothing else.
            let failed = result.errorLines.compactMap { line -> String? in
                guard line.hasPrefix("error: "), line.hasSuffix(": " + Self.deathByKill) else { return nil }
                return String(line.dropFirst("error: ".count).dropLast(Self.deathByKill.count + 2))
            }
            #expect(failed.count == result.errorLines.count, "only double deaths are errors; \(context)")
            #expect(Set(failed).count == failed.count, "each reported once; \(context)")
            #expect(result.status == (failed.isEmpty ? 0 : 1), context)
            #expect(result.standardOutput.hasPrefix("wrote \(2 * (images.count - failed.count)) images to \(output.path), \(failed.count) failed"),
                    "\(result.standardOutput); \(context)")

            let written = try PipelineRunTests.contents(of: output)
            #expect(Self.temporaries(written).isEmpty, context)
            for (path, bytes) in written {
                #expect(expected[path] == bytes, "\(path) is complete and as the serial run wrote it; \(context)")
            }
            for path in images.keys where !failed.contains(path) {
                for name in Self.outputs(of: path, copies: 2) { #expect(written[name] != nil, "\(name) written; \(context)") }
            }
            #expect(Self.noWorkerLeft(mark), "no worker outlives the run; \(context)")
        }
    }

    @Test("a process killed half-way through writing an output leaves no partial file: processes report the image, serial and threads are resumed",
          arguments: ["serial", "threads", "processes"])
    func killedWhileWriting(executor: String) throws {
        let scratch = try ExecutorTests.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in").path
        let common = ExecutorTests.pipelineArguments(scratch)
        let (serial, output) = (scratch.appendingPathComponent("serial"), scratch.appendingPathComponent("out"))
        #expect(try CommandRunner.augment(["run", input, "--out", serial.path, "--executor", "serial"] + common).status == 0)
        let expected = try PipelineRunTests.contents(of: serial)

        let mark = UUID().uuidString
        let run = try RunningCommand(["run", input, "--out", output.path, "--executor", executor]
                                     + (executor == "serial" ? [] : ["--workers", "2"]) + common,
                                     environment: ["AUGMENT_TEST_DIE_WRITING": "img_3_1.png", "AUGMENT_TEST_MARK": mark])
        let result = run.finish()
        let written = try PipelineRunTests.contents(of: output)
        #expect(written["cls_b/img_3_1.png"] == nil, "never a partial file under the output's name")
        for (path, bytes) in written where !path.contains(".tmp-") {
            #expect(expected[path] == bytes, "\(path) is complete")
        }

        if executor == "processes" {
            // The worker dies on it, and its replacement too: reported, its temporaries removed.
            #expect(result.status == 1, "\(result.standardError)")
            #expect(result.errorLines == ["error: cls_b/img_3.png: \(Self.deathByKill)"])
            #expect(Self.temporaries(written).isEmpty)
            // Copy 0 of the image may have been written (whole) before copy 1 killed its worker.
            let others = Set(expected.keys).subtracting(["cls_b/img_3_0.png", "cls_b/img_3_1.png"])
            #expect(others.isSubset(of: written.keys), "every other output is written")
            #expect(Set(written.keys).subtracting(others).isSubset(of: ["cls_b/img_3_0.png"]))
            #expect(Self.noWorkerLeft(mark))
        } else {
            // The run itself dies: the temporary stays until --resume removes it.
            #expect(result.status == 128 + SIGKILL)
            #expect(Self.temporaries(written).contains { $0.hasPrefix("cls_b/.img_3_1.png.tmp-\(run.pid)-") }, "\(written.keys.sorted())")
            let resume = try CommandRunner.augment(["run", input, "--out", output.path, "--executor", executor, "--resume"] + common)
            #expect(resume.status == 0, "\(resume.standardError)")
            #expect(resume.standardError.contains(/removed \d+ stale temporary files? of an interrupted run/), "\(resume.standardError)")
            #expect(try PipelineRunTests.contents(of: output) == expected)
        }
    }

    // MARK: - Disk full

    /// Why a small tmpfs cannot be mounted here, or nil when it can (root, and mount allowed).
    static let tmpfsUnavailable: String? = {
        guard getuid() == 0 else { return "not root: a small tmpfs cannot be mounted, so the full-disk test on one is skipped" }
        guard let probe = try? TestData.makeTemporaryFolder("augment-tmpfs-probe") else { return "no temporary folder" }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard mountTmpfs(at: probe, kibibytes: 64) else {
            return "mount -t tmpfs is not allowed here (a container without CAP_SYS_ADMIN?): the full-disk test on a tmpfs is skipped"
        }
        unmount(probe)
        return nil
    }()

    static func mountTmpfs(at folder: URL, kibibytes: Int) -> Bool {
        let result = try? CommandRunner.run(URL(fileURLWithPath: "/bin/sh"),
                                            ["-c", "mount -t tmpfs -o size=\(kibibytes)k augment-test \"$0\"", folder.path])
        return result?.status == 0
    }

    static func unmount(_ folder: URL) {
        _ = try? CommandRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "umount \"$0\"", folder.path])
    }

    @Test("an output disk that fills up (a 96 KiB tmpfs) stops run and cache: exit 2, file and reason named, what exists is complete, no temporaries",
          .enabled(if: tmpfsUnavailable == nil, Comment(rawValue: tmpfsUnavailable ?? "")))
    func tmpfsFillsUp() throws {
        // Twelve 64x64 RGB noise images stored uncompressed: each output about 12 KiB.
        let images = Self.noiseImages(count: 12, seed: 5, widths: 64...64, heights: 64...64)
        let scratch = try Self.makeScratch(images, pipeline: "{\"transforms\": []}")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in").path
        let runs = Self.executors.map { ["run", input, "--compression", "0"] + $0 } + [["cache", input]]
        for arguments in runs {
            let disk = scratch.appendingPathComponent("disk")
            try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
            try #require(Self.mountTmpfs(at: disk, kibibytes: 96))
            defer { Self.unmount(disk) }
            let isCache = arguments[0] == "cache"
            let output = disk.appendingPathComponent(isCache ? "images.cache" : "out")
            let result = try CommandRunner.augment(arguments + ["--out", output.path])
            let context = Comment(rawValue: "\(arguments): \(result.standardError)")

            #expect(result.status == 2, context)
            let written = try PipelineRunTests.contents(of: disk)
            #expect(Self.temporaries(written).isEmpty, context)
            if isCache {
                #expect(result.errorLines == ["error: \(output.path): cannot write: No space left on device"], context)
                #expect(written.isEmpty, "no cache file, whole or partial; \(context)")
            } else {
                let failures = result.errorLines.filter { !$0.hasPrefix("error: stopped: ") }
                #expect(!failures.isEmpty, context)
                for line in failures {
                    #expect(line.contains(/^error: (even|odd)\/img_\d+\.png: cannot write .*\/out\/(even|odd)\/img_\d+\.png: No space left on device$/),
                            "names the image, the output and the reason: \(line)")
                }
                #expect(result.standardError.contains(/error: stopped: cannot write .*: No space left on device; \d+ images not attempted/), context)
                #expect(!written.isEmpty && written.count < images.count, "some outputs fit, not all; \(context)")
                for (path, bytes) in written {
                    #expect(try PNG.decode(bytes) == images[String(path.dropFirst("out/".count))], "\(path) is complete; \(context)")
                }
            }
        }
    }

    // MARK: - Inputs that change after listing

    @Test("inputs deleted, cut, replaced by garbage, another image, a folder, a FIFO or a device after listing: each named with its reason, the rest written",
          arguments: ExecutorTests.executors)
    func inputsChangeAfterListing(executor: [String]) throws {
        let original = RunCommandTests.patterned(width: 40, height: 30, channels: 3, salt: 1)
        let replacement = RunCommandTests.patterned(width: 9, height: 13, channels: 1, salt: 2)
        let names = ["deleted", "device", "directory", "emptied", "fifo", "garbage", "keep", "replaced", "truncated"]
        let scratch = try Self.makeScratch(Dictionary(uniqueKeysWithValues: names.map { ("\($0).png", original) }),
                                           pipeline: "{\"transforms\": []}")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in")
        let (output, listed) = (scratch.appendingPathComponent("out"), scratch.appendingPathComponent("listed"))

        let run = try RunningCommand(["run", input.path, "--out", output.path] + executor,
                                     environment: ["AUGMENT_TEST_PAUSE_AFTER_LISTING": listed.path])
        #expect(run.wait(upTo: 20) { FileManager.default.fileExists(atPath: listed.path) }, "the run paused after listing")
        let manager = FileManager.default
        func path(_ name: String) -> String { input.appendingPathComponent(name + ".png").path }
        for name in ["deleted", "device", "directory", "emptied", "fifo", "garbage", "replaced", "truncated"] {
            try manager.removeItem(atPath: path(name))
        }
        try manager.createSymbolicLink(atPath: path("device"), withDestinationPath: "/dev/zero")
        try manager.createDirectory(atPath: path("directory"), withIntermediateDirectories: false)
        try PipelineRunTests.write([], URL(fileURLWithPath: path("emptied")))
        #expect(mkfifo(path("fifo"), 0o644) == 0)
        try PipelineRunTests.write(Array("GIF89a, no longer a PNG".utf8), URL(fileURLWithPath: path("garbage")))
        try PipelineRunTests.write(try PNG.encode(replacement), URL(fileURLWithPath: path("replaced")))
        let encoded = try PNG.encode(original)
        try PipelineRunTests.write(Array(encoded.prefix(encoded.count / 2)), URL(fileURLWithPath: path("truncated")))
        try manager.removeItem(at: listed)

        // A reader that blocks on the FIFO or reads /dev/zero forever would hang here.
        let ended = run.wait(upTo: 30) { !run.isRunning }
        if !ended {
            // Workers first, while they are still its children: one stuck in a read would
            // outlive it (workers notice their parent's end between images).
            for worker in ProcessTable.children(of: run.pid) { kill(worker, SIGKILL) }
            run.send(SIGKILL)
        }
        let result = run.finish()
        #expect(ended, "the run ends: \(result.standardError)")
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.errorLines.sorted() == [
            "error: deleted.png: No such file or directory",
            "error: device.png: not a regular file",
            "error: directory.png: Is a directory",
            "error: emptied.png: file is empty",
            "error: fifo.png: not a regular file",
            "error: garbage.png: Not a PNG file",
            "error: truncated.png: file is truncated",
        ], "\(result.standardError)")
        let written = try PipelineRunTests.contents(of: output)
        #expect(written.keys.sorted() == ["keep.png", "replaced.png"])
        #expect(try written["keep.png"].map { try PNG.decode($0) } == original)
        #expect(try written["replaced.png"].map { try PNG.decode($0) } == replacement, "processed as it was read")
    }

    // MARK: - 100 megapixels

    /// Two grey PNGs of 10,000 Sub-filtered rows `y, 1, 1, ...` of `width` pixels, so that
    /// pixel (x, y) is (x + y) mod 256 and the stream compresses a thousandfold: one whose IHDR
    /// says so, and one whose IHDR claims one more row (refused from the header alone).
    static func greyRamps(width: Int) -> (atLimit: [UInt8], overLimit: [UInt8]) {
        let (height, rowBytes) = (10_000, width + 1)
        var raw = [UInt8](repeating: 1, count: rowBytes * height)  // filter type 1 (Sub), then ones
        for y in 0..<height { raw[y * rowBytes + 1] = UInt8(truncatingIfNeeded: y) }
        var size = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { compress2(out.baseAddress, &size, $0.baseAddress, uLong($0.count), 9) }
        }
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        let idat = PNGChunk("IDAT", Array(compressed.prefix(Int(size))))
        func png(height: Int) -> [UInt8] {
            let ihdr = PNGStream.ihdrData(width: UInt32(width), height: UInt32(height), bitDepth: 8, colourType: 0)
            return PNGStream(chunks: [PNGChunk("IHDR", ihdr), idat, PNGChunk("IEND", [])]).bytes
        }
        return (png(height: height), png(height: height + 1))
    }

    /// Runs `augment` with `arguments`, sampling the peak memory of it and its workers every 5 ms.
    static func runWatchingMemory(_ arguments: [String]) throws -> (result: CommandResult, peakResidentBytes: Int) {
        let command = try SpawnedCommand(arguments)
        var watch = ResourceWatch(command.pid)
        let result = command.finish(sampleEvery: 0.005) { watch.sample() }
        return (result, watch.peakResidentBytes)
    }

    @Test("a 100-megapixel PNG: at the default limit it is decoded and processed; one row more is refused before any pixel memory; the rest are written")
    func hundredMegapixels() throws {
        let limit = PNG.DecodingOptions.defaultMaxPixels
        #expect(limit == 10_000 * 10_000)
        let scratch = try TestData.makeTemporaryFolder("augment-100mp")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var generator = SeededGenerator(seed: 9)
        let small = Image(width: 80, height: 72, channels: 1, pixels: generator.bytes(80 * 72))
        let crop = scratch.appendingPathComponent("crop.json")
        try PipelineRunTests.write(Array(#"{"transforms": [{"op": "center_crop", "width": 64, "height": 64}]}"#.utf8), crop)
        let (atLimit, overLimit) = Self.greyRamps(width: 10_000)
        #expect(atLimit.count < 1_000_000, "\(atLimit.count) bytes on disk")
        for (folder, name, bytes) in [("within", "huge.png", atLimit), ("above", "over.png", overLimit)] {
            try PipelineRunTests.write(bytes, scratch.appendingPathComponent("\(folder)/\(name)"))
            try PipelineRunTests.write(try PNG.encode(small), scratch.appendingPathComponent("\(folder)/small.png"))
        }
        // The expected outputs: each image's centre 64x64.
        let smallCrop = Image(width: 64, height: 64, channels: 1,
                              pixels: (0..<64 * 64).map { small.pixels[(4 + $0 / 64) * 80 + 8 + $0 % 64] })
        let hugeCrop = Image(width: 64, height: 64, channels: 1,
                             pixels: (0..<64 * 64).map { UInt8(truncatingIfNeeded: 4968 + $0 / 64 + 4968 + $0 % 64) })

        let withinOut = scratch.appendingPathComponent("within-out")
        let decoded = try Self.runWatchingMemory(["run", scratch.appendingPathComponent("within").path, "--out", withinOut.path,
                                                  "--pipeline", crop.path, "--executor", "threads", "--workers", "2"])
        #expect(decoded.result.status == 0, "\(decoded.result.standardError)")
        #expect(try PNG.decode(TestData.bytes(of: withinOut.appendingPathComponent("huge.png"))) == hugeCrop)
        #expect(try PNG.decode(TestData.bytes(of: withinOut.appendingPathComponent("small.png"))) == smallCrop)
        // Decoded (100 MB of pixels, which the sampling sees), once: no copy of the whole image.
        #expect(decoded.peakResidentBytes > limit && (decoded.peakResidentBytes < 2 * limit || Sanitizer.isAddress),
                "peak \(decoded.peakResidentBytes >> 20) MiB")

        let aboveOut = scratch.appendingPathComponent("above-out")
        let refused = try Self.runWatchingMemory(["run", scratch.appendingPathComponent("above").path, "--out", aboveOut.path,
                                                  "--pipeline", crop.path, "--executor", "processes", "--workers", "2"])
        #expect(refused.result.status == 1, "\(refused.result.standardError)")
        #expect(refused.result.errorLines == ["error: over.png: image is 10000x10001 = 100010000 pixels, above the limit of 100000000 (--max-pixels)"])
        #expect(RunCommandTests.files(below: aboveOut) == ["small.png"])
        #expect(try PNG.decode(TestData.bytes(of: aboveOut.appendingPathComponent("small.png"))) == smallCrop)
        // Refused from the header: no process came near the 100 MB its pixels would take.
        #expect(refused.peakResidentBytes < limit / 2 || Sanitizer.isAddress, "peak \(refused.peakResidentBytes >> 20) MiB")
        print("hundredMegapixels: peak resident \(decoded.peakResidentBytes >> 20) MiB decoding 100 MP, "
            + "\(refused.peakResidentBytes >> 20) MiB refusing 100.01 MP")
    }

    // MARK: - 50,000 tiny images

    /// Writes `count` copies of `bytes` as `d<k>/<i>.png`, 1,000 to a folder.
    static func writeTinyImages(_ bytes: [UInt8], count: Int, into root: URL) throws {
        for folder in 0..<(count + 999) / 1000 {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("d\(folder)"), withIntermediateDirectories: true)
        }
        for index in 0..<count {
            let descriptor = open(root.path + "/d\(index / 1000)/\(index % 1000).png", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// One run over tiny images: the most descriptors the parent and any worker held when
    /// sampled, its peak resident memory, its time.
    struct TinyRun {
        var result: CommandResult
        var parentDescriptors = 0
        var workerDescriptors = 0
        var peakResidentBytes = 0
        var seconds = 0.0

        init(input: URL, output: URL, executor: String) throws {
            let start = Date()
            let command = try SpawnedCommand(["run", input.path, "--out", output.path, "--executor", executor, "--workers", "2", "--quiet"])
            var watch = ResourceWatch(command.pid)
            result = command.finish(sampleEvery: 0.1) { watch.sample() }
            (parentDescriptors, workerDescriptors, peakResidentBytes) = (watch.parentDescriptors, watch.childDescriptors, watch.peakResidentBytes)
            seconds = Date().timeIntervalSince(start)
        }

        var figures: String {
            String(format: "%.1f s, peak %.1f MiB, descriptors %d (parent) %d (worker)",
                   seconds, Double(peakResidentBytes) / 1_048_576, parentDescriptors, workerDescriptors)
        }
    }

    @Test("50,000 tiny images on threads and on processes: every one written once, no descriptor or memory growth over 5,000",
          .timeLimit(.minutes(5)))
    func fiftyThousandTinyImages() throws {
        // On a tmpfs of its own where one can be mounted: creating and removing 160,000 files
        // on a disk that other jobs keep busy took minutes here, on memory a few seconds (and
        // unmounting removes them all at once).
        let scratch = try TestData.makeTemporaryFolder("augment-tiny")
        let onTmpfs = Self.tmpfsUnavailable == nil && Self.mountTmpfs(at: scratch, kibibytes: 1 << 20)
        defer {
            if onTmpfs { Self.unmount(scratch) }
            try? FileManager.default.removeItem(at: scratch)
        }
        if !onTmpfs { print("fiftyThousandTinyImages: on the temporary folder's disk (no tmpfs here), which may take minutes") }
        let tiny = try PNG.encode(RunCommandTests.patterned(width: 4, height: 4, channels: 1, salt: 3))
        let (few, many) = (scratch.appendingPathComponent("in-5000"), scratch.appendingPathComponent("in-50000"))
        try Self.writeTinyImages(tiny, count: 5_000, into: few)
        try Self.writeTinyImages(tiny, count: 50_000, into: many)

        for executor in ["threads", "processes"] {
            let baseline = try TinyRun(input: few, output: scratch.appendingPathComponent("out-5000-\(executor)"), executor: executor)
            let output = scratch.appendingPathComponent("out-50000-\(executor)")
            let large = try TinyRun(input: many, output: output, executor: executor)
            print("fiftyThousandTinyImages, \(executor): 5,000 images \(baseline.figures); 50,000 images \(large.figures)")
            #expect(baseline.result.status == 0, "\(baseline.result.standardError)")
            #expect(large.result.status == 0, "\(large.result.standardError)")
            for folder in 0..<50 {
                let names = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("d\(folder)").path)
                #expect(names.count == 1000 && !names.contains { $0.hasPrefix(".") }, "\(executor) d\(folder): \(names.count) files")
            }
            // A descriptor kept per image would show as thousands; the few a thread holds while
            // reading and writing make the slack.
            #expect(large.parentDescriptors <= baseline.parentDescriptors + 4, "\(executor): \(large.figures) against \(baseline.figures)")
            #expect(large.workerDescriptors <= baseline.workerDescriptors + 4, "\(executor): \(large.figures) against \(baseline.figures)")
            // Only the list of 50,000 paths should grow (16 bytes each); 100 bytes kept per image would not fit.
            #expect(large.peakResidentBytes <= baseline.peakResidentBytes + 4 << 20 || Sanitizer.isAddress,
                    "\(executor): \(large.figures) against \(baseline.figures)")
            try? FileManager.default.removeItem(at: output)  // a few seconds on a tmpfs; halves the memory it holds
        }
    }
}
