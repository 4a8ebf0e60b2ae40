import Foundation
import Testing
@testable import Augment

/// `augment run --executor serial|threads|processes`: identical outputs, failures, dead
/// workers, resume, shards and Ctrl-C, driven through the built executable.
@Suite("Executors")
struct ExecutorTests {
    /// Seven images (not a multiple of 2 or 3) of several sizes and channel counts.
    static let dataset: [String: Image] = Dictionary(uniqueKeysWithValues: (0..<7).map { index in
        let path = (index % 2 == 0 ? "cls_a/" : "cls_b/") + "img_\(index).png"
        return (path, PipelineRunTests.patterned(width: 16 + 3 * index, height: 30 - 2 * index,
                                                 channels: [1, 3, 4][index % 3], salt: index))
    })

    static let executors: [[String]] = [
        ["--executor", "serial"],
        ["--executor", "threads", "--workers", "2"],
        ["--executor", "processes", "--workers", "2"],
    ]

    static func makeScratch(images: [String: Image] = dataset) throws -> URL {
        try PipelineRunTests.makeScratch(images: images)
    }

    static func pipelineArguments(_ scratch: URL) -> [String] {
        ["--pipeline", scratch.appendingPathComponent("pipeline.json").path, "--seed", "11", "--copies", "2"]
    }

    /// Outputs of every image, with no temporary files among them.
    static func expectNoTemporaries(_ contents: [String: [UInt8]], _ comment: Comment) {
        #expect(contents.keys.filter { $0.contains(".tmp-") }.isEmpty, comment)
    }

    @Test("serial, 1-3 threads and 1-3 processes write the same bytes and the same manifest")
    func identicalOutputs() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var reference: [String: [UInt8]]?
        for arguments in [["--executor", "serial"]] + (1...3).flatMap({ n in
            [["--executor", "threads", "--workers", "\(n)"], ["--executor", "processes", "--workers", "\(n)"]]
        }) {
            let name = arguments.joined(separator: "-")
            let output = scratch.appendingPathComponent("out-\(name)")
            let manifest = output.appendingPathComponent("manifest.jsonl")
            let result = try PipelineRunTests.run(scratch, ["--out", output.path, "--manifest", manifest.path]
                + Self.pipelineArguments(scratch) + arguments)
            #expect(result.status == 0, "\(name): \(result.standardError)")
            #expect(result.standardOutput.hasPrefix("wrote 14 images to"), "\(name)")
            let contents = try PipelineRunTests.contents(of: output)
            #expect(contents.count == 15, "\(name): 7 images x 2 copies and the manifest")
            if let reference {
                #expect(contents == reference, "\(name) writes the serial run's bytes")
            } else {
                reference = contents
                // Independent check of the reference: every output decodes to the pipeline's size.
                for (path, bytes) in contents where path.hasSuffix(".png") {
                    let image = try PNG.decode(bytes)
                    #expect(image.width == 24 && image.height == 20, "\(path)")
                }
            }
        }
    }

    @Test("corrupt files are reported once each under every executor; the rest are written")
    func corruptFiles() throws {
        let (input, images) = try RunCommandTests.makeDataset()
        defer { try? FileManager.default.removeItem(at: input) }
        for arguments in Self.executors {
            let output = try TestData.makeTemporaryFolder("augment-output")
            defer { try? FileManager.default.removeItem(at: output) }
            let result = try CommandRunner.augment(["run", input.path, "--out", output.path] + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.errorLines.sorted() == ["error: cls1/broken.png: file is truncated", "error: fake.png: Not a PNG file"],
                    "\(arguments): \(result.standardError)")
            #expect(RunCommandTests.files(below: output) == images.keys.sorted(), "\(arguments)")
            for (path, image) in images {
                #expect(try PNG.decode(TestData.bytes(of: output.appendingPathComponent(path))) == image, "\(arguments) \(path)")
            }
        }
    }

    @Test("a file-size limit stops the run under every executor: exit 2, no partial or temporary files",
          .disabled(if: Sanitizer.isThread, Comment(rawValue: Sanitizer.fileSizeLimitNote)))
    func fullDisk() throws {
        let input = try TestData.makeTemporaryFolder("augment-input")
        defer { try? FileManager.default.removeItem(at: input) }
        var generator = SystemRandomNumberGenerator()
        let noise = Image(width: 64, height: 64, channels: 3,
                          pixels: (0..<64 * 64 * 3).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let small = RunCommandTests.patterned(width: 4, height: 4, channels: 1, salt: 9)
        try RunCommandTests.write(try PNG.encode(small), input, "a-small.png")
        for index in 0..<6 { try RunCommandTests.write(try PNG.encode(noise, compression: .level(0)), input, "large-\(index).png") }
        for arguments in Self.executors {
            let output = try TestData.makeTemporaryFolder("augment-output")
            defer { try? FileManager.default.removeItem(at: output) }
            let result = try CommandRunner.augment(["run", input.path, "--out", output.path, "--compression", "0"] + arguments,
                                                   shellPrefix: "ulimit -f 8;")  // augment ignores SIGXFSZ itself
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("error: stopped: cannot write"), "\(arguments)")
            #expect(!result.errorLines.isEmpty && result.errorLines.allSatisfy { $0.hasSuffix("File too large") || $0.hasPrefix("error: stopped:") },
                    "\(arguments): \(result.standardError)")
            let written = RunCommandTests.files(below: output)
            #expect(written.allSatisfy { $0 == "a-small.png" }, "\(arguments): only complete outputs, no temporaries: \(written)")
        }
    }

    @Test("workers killed by SIGKILL after every 3 images: the run completes with every output, byte for byte")
    func workersKilled() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (serial, killed) = (scratch.appendingPathComponent("serial"), scratch.appendingPathComponent("killed"))
        let reference = try PipelineRunTests.run(scratch, ["--out", serial.path, "--executor", "serial"] + Self.pipelineArguments(scratch))
        #expect(reference.status == 0)

        let result = try CommandRunner.augment(
            ["run", scratch.appendingPathComponent("in").path, "--out", killed.path, "--executor", "processes", "--workers", "2"]
                + Self.pipelineArguments(scratch),
            environment: ["AUGMENT_TEST_WORKER_DIE_AFTER": "3"])

        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("ended (killed by signal 9)"), "the deaths are reported: \(result.standardError)")
        #expect(result.standardOutput.hasPrefix("wrote 14 images"))
        #expect(try PipelineRunTests.contents(of: killed) == PipelineRunTests.contents(of: serial))
    }

    @Test("an image whose worker dies on it twice is reported failed once; the others are written")
    func imageKillsItsWorker() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out")
        let result = try CommandRunner.augment(
            ["run", scratch.appendingPathComponent("in").path, "--out", output.path, "--executor", "processes", "--workers", "3"],
            environment: ["AUGMENT_TEST_WORKER_DIE_ON": "cls_b/img_3.png"])
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.errorLines == ["error: cls_b/img_3.png: its worker ended twice while processing it (killed by signal 9)"])
        #expect(RunCommandTests.files(below: output) == Self.dataset.keys.filter { $0 != "cls_b/img_3.png" }.sorted())
        for (path, image) in Self.dataset where path != "cls_b/img_3.png" {
            #expect(try PNG.decode(TestData.bytes(of: output.appendingPathComponent(path))) == image)
        }
    }

    /// Twenty-four small images, for runs that are interrupted part-way.
    static let longDataset: [String: Image] = Dictionary(uniqueKeysWithValues: (0..<24).map { index in
        ("part_\(index / 8)/img_\(index).png", PipelineRunTests.patterned(width: 20, height: 18, channels: 3, salt: index))
    })

    @Test("a run killed with SIGKILL part-way, then --resume: the output folder equals an uninterrupted run's",
          arguments: ["threads", "processes"])
    func resumeAfterKill(executor: String) throws {
        let scratch = try Self.makeScratch(images: Self.longDataset)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (whole, resumed) = (scratch.appendingPathComponent("whole"), scratch.appendingPathComponent("resumed"))
        let input = scratch.appendingPathComponent("in").path
        let common = Self.pipelineArguments(scratch) + ["--executor", executor, "--workers", "2"]
        let uninterrupted = try CommandRunner.augment(["run", input, "--out", whole.path,
                                                       "--manifest", whole.appendingPathComponent("m.jsonl").path] + common)
        #expect(uninterrupted.status == 0)

        let mark = UUID().uuidString
        let run = try RunningCommand(["run", input, "--out", resumed.path, "--manifest", resumed.appendingPathComponent("m.jsonl").path] + common,
                                     environment: ["AUGMENT_TEST_IMAGE_DELAY_MS": "25", "AUGMENT_TEST_MARK": mark])
        let started = run.wait(upTo: 20) { ((try? PipelineRunTests.contents(of: resumed).count) ?? 0) >= 6 }
        run.send(SIGKILL)
        let killed = run.finish()
        #expect(started && killed.status == 128 + SIGKILL)
        let partial = try PipelineRunTests.contents(of: resumed)
        #expect(partial.count < 48, "killed part-way: \(partial.count) outputs")
        // Workers see their request pipe close and exit: no orphans.
        #expect(run.wait(upTo: 5) { RunningCommand.processes(withEnvironment: "AUGMENT_TEST_MARK=\(mark)").isEmpty }, "no worker outlives the parent")
        // What a write cut short by SIGKILL leaves: a temporary file beside an output.
        try PipelineRunTests.write([1, 2, 3], resumed.appendingPathComponent("part_2/.img_23_1.png.tmp-999999-7"))

        let resume = try CommandRunner.augment(["run", input, "--out", resumed.path, "--resume",
                                                "--manifest", resumed.appendingPathComponent("m.jsonl").path] + common)
        #expect(resume.status == 0, "\(resume.standardError)")
        // At least the planted one; the kill may have cut a real write short and left another.
        let removed = resume.standardError.firstMatch(of: /removed (\d+) stale temporary file/).flatMap { Int($0.1) } ?? 0
        #expect(removed >= 1, "\(resume.standardError)")
        #expect(resume.standardOutput.contains("skipped (already written)"), "\(resume.standardOutput)")
        #expect(try PipelineRunTests.contents(of: resumed) == PipelineRunTests.contents(of: whole))
    }

    @Test("shards I/N, and auto from Slurm or Kubernetes variables: their union is a single run, byte for byte")
    func shards() throws {
        let scratch = try Self.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (whole, sharded) = (scratch.appendingPathComponent("whole"), scratch.appendingPathComponent("sharded"))
        let input = scratch.appendingPathComponent("in").path
        #expect(try CommandRunner.augment(["run", input, "--out", whole.path] + Self.pipelineArguments(scratch)).status == 0)

        let runs: [([String], [String: String])] = [
            (["--shard", "0/3", "--executor", "processes"], [:]),
            (["--shard", "auto"], ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"]),
            (["--shard", "auto", "--shards", "3"], ["JOB_COMPLETION_INDEX": "2"]),
        ]
        var counts: [Int] = []
        for (arguments, environment) in runs {
            let before = try PipelineRunTests.contents(of: sharded).count
            let result = try CommandRunner.augment(["run", input, "--out", sharded.path] + Self.pipelineArguments(scratch) + arguments,
                                                   environment: environment)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            counts.append(try PipelineRunTests.contents(of: sharded).count - before)
        }
        #expect(counts == [6, 4, 4], "images 0,3,6 / 1,4 / 2,5 of the sorted list, two copies each")
        #expect(try PipelineRunTests.contents(of: sharded) == PipelineRunTests.contents(of: whole))

        if ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"] == nil
            && ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"] == nil {
            let missing = try CommandRunner.augment(["run", input, "--out", sharded.path, "--shard", "auto"])
            #expect(missing.status == 64 && missing.standardError.contains("needs SLURM_ARRAY_TASK_ID"))
        }
        let bad = try CommandRunner.augment(["run", input, "--out", sharded.path, "--shard", "3/3"])
        #expect(bad.status == 64 && bad.standardError.contains("0 <= I < N"))
    }

    @Test("Ctrl-C stops cleanly: progress lines before it, the summary after, exit 130, no temporaries, no workers left",
          arguments: ["serial", "threads", "processes"])
    func interrupt(executor: String) throws {
        // 40 images of 250 ms each on 2 workers last 5 s: the first progress line comes at 1 s,
        // leaving seconds of margin for the interrupt to land mid-run on a loaded machine.
        let images = Dictionary(uniqueKeysWithValues: (0..<40).map { index in
            ("img_\(index).png", PipelineRunTests.patterned(width: 12, height: 10, channels: 3, salt: index))
        })
        let scratch = try Self.makeScratch(images: images)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out")
        let marker = UUID().uuidString
        let run = try RunningCommand(["run", scratch.appendingPathComponent("in").path, "--out", output.path, "--executor", executor]
                                     + (executor == "serial" ? [] : ["--workers", "2"]),
                                     environment: ["AUGMENT_TEST_IMAGE_DELAY_MS": "250", "AUGMENT_TEST_MARK": marker])
        // Standard error is a pipe here, so progress comes as plain lines, one a second.
        let sawProgress = run.wait(upTo: 20) { run.standardError.contains("progress: ") }
        run.send(SIGINT)
        let result = run.finish()

        #expect(sawProgress, "a progress line: \(run.standardError)")
        #expect(result.status == 130, "\(result.standardError)")
        #expect(result.standardError.contains("interrupted: "), "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("wrote "), "the summary is printed")
        let written = try PipelineRunTests.contents(of: output)
        Self.expectNoTemporaries(written, "\(executor)")
        #expect(written.count > 0 && written.count < 40, "\(written.count) of 40 written before the stop")
        for (path, bytes) in written { #expect(try PNG.decode(bytes) == images[path], "\(path) is complete") }
        #expect(RunningCommand.processes(withEnvironment: "AUGMENT_TEST_MARK=\(marker)").isEmpty, "no worker left")
    }

    @Test("after Ctrl-C, worker processes finish the image they are on and start no other, even one already sent")
    func interruptDiscardsQueuedImages() throws {
        // 6 images of 1 s on 2 workers, one image a chunk and two chunks in flight a worker: when
        // the first progress line comes (1 s), images 3 and 4 are being processed and 5 and 6 wait
        // in the workers' pipes. Stopping must leave 5 and 6 unwritten.
        let images = Dictionary(uniqueKeysWithValues: (0..<6).map { index in
            ("img_\(index).png", PipelineRunTests.patterned(width: 8, height: 8, channels: 3, salt: index))
        })
        let scratch = try Self.makeScratch(images: images)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out")
        let marker = UUID().uuidString
        let run = try RunningCommand(["run", scratch.appendingPathComponent("in").path, "--out", output.path,
                                      "--executor", "processes", "--workers", "2"],
                                     environment: ["AUGMENT_TEST_IMAGE_DELAY_MS": "1000", "AUGMENT_TEST_MARK": marker])
        let sawProgress = run.wait(upTo: 20) { run.standardError.contains("progress: ") }
        run.send(SIGINT)
        let result = run.finish()

        #expect(sawProgress)
        #expect(result.status == 130, "\(result.standardError)")
        let written = try PipelineRunTests.contents(of: output)
        // Images 1 and 2 were done when the progress line came; 3 and 4 were in progress (or about
        // to start, on a slow machine); 5 and 6 waited in the pipes and must not be started.
        #expect((2...4).contains(written.count), "the queued images are not started: \(written.keys.sorted())")
        Self.expectNoTemporaries(written, "processes")
    }
}
