import Foundation
import Testing
@testable import Augment
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `augment bench`'s workloads, executors, summaries and command. Times are never asserted:
/// only what ran, where, and what it computed.
@Suite("Bench")
struct BenchTests {
    static let workerCommand = [TestData.augmentExecutable.path, "_bench-worker"]

    @Test("the cpu loop is the documented recurrence, computed step by step")
    func arithmeticLoop() {
        #expect(BenchKernels.arithmeticLoop(iterations: 0, seed: 12345) == 12345, "no steps: accumulator 0 xor the seed")
        // One step from state 0: state = c (the increment); accumulator = (c >> 29) rotated left by 7.
        let c: UInt64 = 1_442_695_040_888_963_407
        let accumulator = (c >> 29) << 7 | (c >> 29) >> 57
        #expect(BenchKernels.arithmeticLoop(iterations: 1, seed: 0) == accumulator ^ c)
        let results = Set((1...64).map { BenchKernels.arithmeticLoop(iterations: $0, seed: 7) })
        #expect(results.count == 64, "every step changes the result, so no step can be skipped")
    }

    @Test("io text is the requested size, lines of printable text")
    func ioText() {
        let text = BenchKernels.text(bytes: 1000)
        #expect(text.count == 1000)
        #expect(text.allSatisfy { $0 == 10 || (32..<127).contains($0) })
        #expect(text.filter { $0 == 10 }.count == 1000 / 79, "one newline per 79-byte sentence")
    }

    @Test("every executor runs every task exactly once, on lanes below the worker count, and computes the same",
          arguments: [BenchExecutorKind.serial, .threads, .processes])
    func executorsAgree(executor: BenchExecutorKind) throws {
        let taskSet = BenchTaskSet(.cpu(iterations: 20_000), tasks: 37)
        let work = try BenchWork(taskSet)
        let expected = (0..<37).reduce(UInt64(0)) { $0 &+ BenchKernels.arithmeticLoop(iterations: 20_000, seed: UInt64($1)) }
        let run: BenchRun
        switch executor {
        case .serial: run = try work.runSerially()
        case .threads: run = try work.runOnThreads(workers: 3)
        case .processes: run = try taskSet.runOnProcesses(workers: 2, command: Self.workerCommand)
        }
        #expect(run.executor == executor)
        #expect(run.workers == (executor == .serial ? 1 : executor == .threads ? 3 : 2))
        #expect(run.spans.map(\.task) == Array(0..<37), "each task once, reported in task order")
        #expect(run.spans.allSatisfy { (0..<run.workers).contains($0.lane) })
        #expect(run.spans.allSatisfy { 0 <= $0.start && $0.start <= $0.stop && $0.stop <= run.seconds + 1e-6 },
                "spans lie inside the run, on the clock the run started")
        #expect(run.checksum == expected, "the tasks computed what the loop computes serially")
        // On one lane, tasks never overlap.
        for lane in 0..<run.workers {
            let spans = run.spans.filter { $0.lane == lane }.sorted { $0.start < $1.start }
            #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.stop <= $1.start + 1e-6 }, "lane \(lane) runs one task at a time")
        }
    }

    @Test("the augment workload encodes the same images under every executor, cycling the folder")
    func augmentWorkload() throws {
        let text = try String(contentsOf: TestData.packageRoot.appendingPathComponent("pipelines/standard.json"), encoding: .utf8)
        let taskSet = BenchTaskSet(.augment(folder: TestData.bundledImages.path, pipelineText: text, format: .json), tasks: 23)
        let work = try BenchWork(taskSet)
        let serial = try work.runSerially()
        // The checksum is the sum of encoded sizes: compute it independently, image by image.
        let folder = try ImageFolder(TestData.bundledImages.path)
        let pipeline = try Pipeline(parsing: text, format: .json)
        var expected: UInt64 = 0
        for task in 0..<23 {
            let path = folder.relativePaths[task % folder.relativePaths.count]
            let image = try PNG.decode(try FileIO.read(TestData.bundledImages.path + "/" + path))
            let drawn = try pipeline.draw(seed: 0, path: path, copy: task / folder.relativePaths.count,
                                          size: Size(width: image.width, height: image.height), channels: image.channels)
            expected &+= UInt64(try PNG.encode(try drawn.apply(to: image), compression: .fast).count)
        }
        #expect(serial.checksum == expected)
        #expect(try work.runOnThreads(workers: 2).checksum == expected)
        #expect(try taskSet.runOnProcesses(workers: 2, command: Self.workerCommand).checksum == expected)
    }

    @Test("a failing task stops the run with an error naming the file, under every executor",
          arguments: [BenchExecutorKind.serial, .threads, .processes])
    func failingTask(executor: BenchExecutorKind) throws {
        let folder = try TestData.makeTemporaryFolder("augment-bench-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(try PNG.encode(Image(width: 4, height: 4, channels: 1, pixels: Array(repeating: 9, count: 16))))
            .write(to: folder.appendingPathComponent("a.png"))
        try Data("not a PNG at all".utf8).write(to: folder.appendingPathComponent("b.png"))
        let taskSet = BenchTaskSet(.augment(folder: folder.path, pipelineText: #"{"transforms": [{"op": "hflip"}]}"#, format: .json),
                                   tasks: 6)
        #expect {
            switch executor {
            case .serial: _ = try BenchWork(taskSet).runSerially()
            case .threads: _ = try BenchWork(taskSet).runOnThreads(workers: 2)
            case .processes: _ = try taskSet.runOnProcesses(workers: 2, command: Self.workerCommand)
            }
        } throws: { error in
            (error as? BenchError)?.reason.contains("b.png") == true && (error as? BenchError)?.reason.contains("Not a PNG") == true
        }
    }

    @Test("a worker that refuses its task set (a pipeline that does not parse) is reported")
    func refusedTaskSet() {
        let taskSet = BenchTaskSet(.augment(folder: TestData.bundledImages.path, pipelineText: #"{"transforms": [{"op": "spin"}]}"#,
                                            format: .json), tasks: 2)
        #expect {
            _ = try taskSet.runOnProcesses(workers: 1, command: Self.workerCommand)
        } throws: { error in
            let reason = (error as? BenchError)?.reason ?? ""
            return reason.contains("refused the task set") && reason.contains("spin")
        }
    }

    @Test("with as many tasks as workers, every worker runs one (the first one ready takes no second)")
    func tasksEqualWorkers() throws {
        // A task far longer than a worker takes to start: the first worker ready would rightly
        // take the second task if it finished its first before the other worker is ready, as
        // a 50 ms task did under AddressSanitizer on a loaded machine (a start takes 0.4 s there).
        let run = try BenchTaskSet(.latency(seconds: 2), tasks: 2).runOnProcesses(workers: 2, command: Self.workerCommand)
        #expect(Set(run.spans.map(\.lane)) == [0, 1])
    }

    @Test("the dot workload's products are the matrices' product, under either OpenBLAS setting and every executor",
          arguments: [0, 1])
    func dotWorkload(blasThreads: Int) throws {
        let size = 24
        let taskSet = BenchTaskSet(.dot(size: size, blasThreads: blasThreads), tasks: 30)
        let work = try BenchWork(taskSet)
        if blasThreads == 1 { #expect(BLAS.threadCount == 1) }
        // The checksum is element (task mod size²) of the product, summed: compute it directly.
        let a = BenchKernels.matrix(size: size, seed: 1), b = BenchKernels.matrix(size: size, seed: 2)
        var product = [Double](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                product[row * size + column] = (0..<size).reduce(0.0) { $0 + Double(a[row * size + $1]) * Double(b[$1 * size + column]) }
            }
        }
        let serial = try work.runSerially()
        var expected: UInt64 = 0
        var largest = 0.0
        for task in 0..<30 {
            let element = product[task % product.count]
            let computed = try work.run(task: task)
            largest = max(largest, abs(Double(Float(bitPattern: UInt32(computed))) - element))
            expected &+= computed
        }
        #expect(largest < 1e-4, "float products agree with double ones")
        #expect(serial.checksum == expected)
        #expect(try work.runOnThreads(workers: 2).checksum == expected)
        #expect(try taskSet.runOnProcesses(workers: 2, command: Self.workerCommand).checksum == expected)
    }

    @Test("a worker that exits, is killed, or does not speak the protocol stops the run with its pid and how it ended")
    func brokenWorkers() {
        let taskSet = BenchTaskSet(.latency(seconds: 0.001), tasks: 4)
        func reason(_ command: [String]) -> String {
            do { _ = try taskSet.runOnProcesses(workers: 2, command: command); return "no error" } catch { return error.reason }
        }
        let exits = reason(["/bin/sh", "-c", "exit 3"])
        #expect(exits.contains("bench worker") && exits.contains("ended (exit status 3) before its work was done"), "\(exits)")
        let killed = reason(["/bin/sh", "-c", "kill -9 $$"])
        #expect(killed.contains("ended (killed by signal 9)"), "\(killed)")
        let stranger = reason(["/bin/sh", "-c", "echo hello there; cat > /dev/null"])
        #expect(stranger.contains("does not speak this protocol"), "\(stranger)")
    }

    @Test("the io workload writes files of its size and the clean-up removes them all")
    func ioWorkload() throws {
        let folder = try TestData.makeTemporaryFolder("augment-bench-io")
        defer { try? FileManager.default.removeItem(at: folder) }
        let taskSet = BenchTaskSet(.io(bytes: 5000, folder: folder.path), tasks: 5)
        _ = try BenchWork(taskSet).runOnThreads(workers: 2)
        _ = try taskSet.runOnProcesses(workers: 2, command: Self.workerCommand)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 10, "5 files from this process, 5 from the two workers (named by pid)")
        for file in files {
            #expect(try FileManager.default.attributesOfItem(atPath: folder.path + "/" + file)[.size] as? Int == 5000)
        }
        taskSet.cleanUp()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a task set survives the bench protocol's wire format, every workload kind")
    func wireRoundTrip() throws {
        let sets = [
            BenchTaskSet(.augment(folder: "/data/x", pipelineText: "transforms: []", format: .yaml), tasks: 9),
            BenchTaskSet(.cpu(iterations: 1 << 40), tasks: 1),
            BenchTaskSet(.io(bytes: 4 << 20, folder: "/tmp/é"), tasks: 48),
            BenchTaskSet(.latency(seconds: 0.0125), tasks: 3),
            BenchTaskSet(.dot(size: 2048, blasThreads: 0), tasks: 2),
            BenchTaskSet(.dot(size: 17, blasThreads: 1), tasks: 5),
        ]
        for taskSet in sets {
            let framed = BenchRequest.taskSet(taskSet).framed
            var buffer = framed
            let frames = try WorkerProtocol.takeFrames(from: &buffer)
            #expect(frames.count == 1 && buffer.isEmpty)
            #expect(try BenchRequest(type: frames[0].type, payload: frames[0].payload) == .taskSet(taskSet))
        }
        let result = BenchTaskResult(start: 1 << 50, stop: (1 << 50) + 7, checksum: .max)
        let reply = PipeWorkerReply.done(task: 4, result: result.bytes)
        var buffer = reply.framed
        let frame = try WorkerProtocol.takeFrames(from: &buffer)[0]
        let read = try PipeWorkerReply(type: frame.type, payload: frame.payload)
        #expect(read == reply)
        guard case .done(_, let bytes) = read else { return }
        #expect(try BenchTaskResult(bytes: bytes) == result)
    }

    static func run(_ seconds: Double) -> BenchRun {
        BenchRun(executor: .threads, workers: 2, seconds: seconds, spans: [], checksum: 0)
    }

    @Test("medians, extremes, speedup over the serial baseline, efficiency and throughput")
    func summaries() {
        let cpu = BenchTaskSet(.cpu(iterations: 1), tasks: 10)
        let dotDefault = BenchTaskSet(.dot(size: 100, blasThreads: 0), tasks: 4)
        let dotOne = BenchTaskSet(.dot(size: 100, blasThreads: 1), tasks: 4)
        var results = [
            BenchResult(taskSet: cpu, executor: .serial, workers: 1, runs: [Self.run(4), Self.run(3), Self.run(5)]),
            BenchResult(taskSet: cpu, executor: .threads, workers: 2, runs: [Self.run(2.5), Self.run(1.5), Self.run(2), Self.run(9)]),
            BenchResult(taskSet: dotDefault, executor: .serial, workers: 1, runs: [Self.run(2)]),
            BenchResult(taskSet: dotOne, executor: .threads, workers: 2, runs: [Self.run(4)]),
            BenchResult(taskSet: BenchTaskSet(.latency(seconds: 1), tasks: 1), executor: .threads, workers: 4, runs: [Self.run(1)]),
        ]
        BenchResult.relate(&results)
        #expect(results[0].seconds == 4 && results[0].minimumSeconds == 3 && results[0].maximumSeconds == 5)
        #expect(results[1].seconds == 2.25, "an even count's median is the mean of the middle two")
        #expect(results[1].medianRun.seconds == 2, "the timeline's run is the lower middle one")
        #expect(results[1].speedup == 4 / 2.25)
        #expect(results[1].efficiency == 4 / 2.25 / 2)
        #expect(results[1].throughput == 10 / 2.25)
        #expect(results[3].speedup == 0.5, "BLAS 1 thread is measured against serial with BLAS's default")
        #expect(results[3].gigaflops == 2 * 100 * 100 * 100 * 4 / 4 / 1e9)
        #expect(results[4].speedup.isNaN, "no serial latency run: no speedup")
    }

    @Test("augment bench --quick writes the table, JSON with every run, and valid SVG timelines")
    func command() throws {
        let folder = try TestData.makeTemporaryFolder("augment-bench-command")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("bench.json").path, timelines = folder.appendingPathComponent("svg").path
        let result = try CommandRunner.augment(["bench", "--quick", "--workloads", "latency,io", "--workers", "2",
                                                "--json", json, "--timeline", timelines, "--scratch", folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("io") || $0.hasPrefix("latency") }
        #expect(rows.count == 6, "two workloads × serial, threads ×2, processes ×2")

        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.count == 6)
        #expect(runs.map { $0["workload"] as? String } == ["io", "io", "io", "latency", "latency", "latency"])
        #expect(runs.map { $0["executor"] as? String } == ["serial", "threads", "processes", "serial", "threads", "processes"])
        for run in runs {
            for key in ["workers", "seconds", "seconds_min", "seconds_max", "speedup", "efficiency", "throughput", "repeats", "timeline"] {
                #expect(run[key] != nil, "runs carry \(key)")
            }
        }
        #expect((document["machine"] as? [String: Any])?["cores"] as? Int == CoreCount.available)
        #expect((document["machine"] as? [String: Any])?["instruction_set"] as? String == InstructionSet.available.description)
        #expect((document["versions"] as? [String: Any])?["openblas"] != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(BenchKernels.ioFilePrefix) }.isEmpty,
                "the io files are removed")

        let files = try FileManager.default.contentsOfDirectory(atPath: timelines).sorted()
        #expect(files.count == 7, "a timeline per run and throughput.svg: \(files)")
        for file in files {
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: timelines + "/" + file)))
            #expect(parser.parse(), "\(file) is well-formed XML")
        }
        let serialTimeline = try String(contentsOfFile: timelines + "/latency-serial-1.svg", encoding: .utf8)
        #expect(serialTimeline.components(separatedBy: "<title>task ").count - 1 == BenchSuite.Sizes.quick.latencyTasks,
                "one bar per task")
    }

    @Test("bad options are refused (64); a missing image folder stops the bench (2) naming it")
    func badOptions() throws {
        for arguments in [["--workloads", "gpu"], ["--executors", "threads,fibers"], ["--workers", "0"], ["--repeats", "0"],
                          ["--dot-sizes", "1024,"]] {
            let result = try CommandRunner.augment(["bench"] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.contains(arguments[0]), "the message names \(arguments[0])")
        }
        let missing = try CommandRunner.augment(["bench", "--quick", "--workloads", "augment", "--images", "/nonexistent/images",
                                                 "--pipeline", TestData.packageRoot.appendingPathComponent("pipelines/standard.json").path])
        #expect(missing.status == 2)
        #expect(missing.errorLines.first?.contains("/nonexistent/images") == true, "\(missing.standardError)")
    }
}
