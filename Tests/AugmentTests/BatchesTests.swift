import Foundation
import Testing
@testable import Augment

/// `augment batches`: the sample encoding, the ordered batch stream under every executor, and
/// the command's stream, read back with a small .npy reader written here from the format's
/// description (not with the product's writer).
@Suite("Batches")
struct BatchesTests {
    /// A dataset of `perClass` images in each of classes "a", "b", "c"; image i of class k has
    /// every value (k * 50 + i), so a sample can be recognised after a size-keeping pipeline.
    static func makeDataset(perClass: Int = 5, broken: String? = nil) throws -> URL {
        let root = try TestData.makeTemporaryFolder("augment-batches")
        for (k, name) in ["a", "b", "c"].enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let image = Image(width: 6 + i, height: 5, channels: 3, repeating: UInt8(k * 50 + i))
                try Data(try PNG.encode(image)).write(to: folder.appendingPathComponent("img\(i).png"))
            }
        }
        if let broken { try Data("not a PNG".utf8).write(to: root.appendingPathComponent(broken)) }
        return root
    }

    /// Every sample's value in `makeDataset()`, sorted.
    static let allValues: [UInt8] = [0, 1, 2, 3, 4, 50, 51, 52, 53, 54, 100, 101, 102, 103, 104]

    /// A pipeline that makes every image 4x4 without changing its (uniform) value.
    static let resize = Pipeline([Transform(.resize(width: .fixed(4), height: .fixed(4), interpolation: .nearest))])

    @Test("encoding: nhwc as decoded, nchw as planes, float32 = x/255 or normalised")
    func encoding() throws {
        let image = Image(width: 2, height: 1, channels: 3, pixels: [10, 20, 30, 40, 50, 60])
        let nhwc = SampleEncoding(layout: .nhwc).array(of: [image])
        #expect(Array(nhwc.suffix(6)) == [10, 20, 30, 40, 50, 60])
        let nchw = SampleEncoding(layout: .nchw).array(of: [image])
        #expect(Array(nchw.suffix(6)) == [10, 40, 20, 50, 30, 60], "channel planes: R R, G G, B B")
        let floats = SampleEncoding(layout: .nhwc, elementType: .float32).array(of: [image])
        let values = Self.floats(Array(floats.suffix(24)))
        #expect(values == [10, 20, 30, 40, 50, 60].map { Float(Double($0) / 255) })
        let normalization = Transform.Normalization(mean: [0.5], std: [0.25], maxPixelValue: 255)
        let normalised = Self.floats(Array(SampleEncoding(layout: .nchw, elementType: .float32, normalization: normalization)
            .array(of: [image]).suffix(24)))
        #expect(normalised == [10, 40, 20, 50, 30, 60].map { Float((Double($0) - 127.5) / 63.75) })
    }

    @Test("the pieces a stream writes join into exactly the array, for every layout, type and channel count")
    func pieces() {
        for channels in [1, 3, 4] {
            let images = (0..<3).map { index in
                Image(width: 3, height: 2, channels: channels, pixels: (0..<(6 * channels)).map { UInt8((index * 40 + $0 * 7) % 256) })
            }
            for layout in SampleEncoding.Layout.allCases {
                for type in SampleEncoding.ElementType.allCases {
                    let encoding = SampleEncoding(layout: layout, elementType: type)
                    #expect(Array(encoding.pieces(of: images).joined()) == encoding.array(of: images), "\(channels) \(layout) \(type)")
                }
            }
        }
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                  | UInt32(bytes[offset + 3]) << 24)
        }
    }

    static func batches(_ root: URL, executor: String, shuffle: Bool = true, dropLast: Bool = false, epochs: Int = 2,
                        batchSize: Int = 4, strict: Bool = false, shard: Shard? = nil) throws -> (batches: [Batch], skipped: [String]) {
        let dataset = try LabelledDataset(folderPerClass: root.path)
        let job = try BatchJob(root: dataset.root, pipeline: resize, seed: 7, channels: 3)
        let plan = BatchPlan(dataset: dataset, epochPlan: EpochPlan(sampleCount: dataset.samples.count, batchSize: batchSize,
                                                                     shuffle: shuffle, seed: 7, dropLast: dropLast, shard: shard),
                             firstEpoch: 3, epochs: epochs, batchSize: batchSize, dropLast: dropLast)
        var batches: [Batch] = []
        var skipped: [String] = []
        let emit = { (batch: Batch) throws(BatchRunError) -> Void in batches.append(batch) }
        let report = { (failure: ImageFailure) in skipped.append(failure.description) }
        switch executor {
        case "serial":
            var workers = SerialSampleWorkers(job: job)
            _ = try plan.run(on: &workers, ahead: 3, strict: strict, emit: emit, skipped: report)
        case "threads":
            var workers = ThreadSampleWorkers(job: job, workers: 3)
            _ = try plan.run(on: &workers, ahead: 5, strict: strict, emit: emit, skipped: report)
        default:
            var workers = try ProcessSampleWorkers(job: job, pipelineText: #"{"transforms": [{"op": "resize", "width": 4, "height": 4, "interpolation": "nearest"}]}"#,
                                                   format: .json, workers: 2,
                                                   command: [TestData.augmentExecutable.path, "_sample-worker"])
            _ = try plan.run(on: &workers, ahead: 6, strict: strict, emit: emit, skipped: report)
        }
        return (batches, skipped)
    }

    @Test("every executor gives the same batches; each epoch takes every sample once, labelled by its folder",
          arguments: ["serial", "threads", "processes"])
    func executorsAgree(executor: String) throws {
        let root = try Self.makeDataset()
        defer { try? FileManager.default.removeItem(at: root) }
        let (batches, skipped) = try Self.batches(root, executor: executor)
        let (reference, _) = try Self.batches(root, executor: "serial")
        #expect(skipped.isEmpty)
        #expect(batches.map(\.images) == reference.map(\.images) && batches.map(\.labels) == reference.map(\.labels))
        #expect(batches.map { [$0.epoch, $0.index] } == [[3, 0], [3, 1], [3, 2], [3, 3], [4, 0], [4, 1], [4, 2], [4, 3]],
                "15 samples in batches of 4: 4 batches per epoch, the last of 3")
        #expect(batches.map(\.images.count) == [4, 4, 4, 3, 4, 4, 4, 3])
        for epoch in [3, 4] {
            let values = batches.filter { $0.epoch == epoch }.flatMap { batch in zip(batch.images, batch.labels).map { ($0.pixels[0], $1) } }
            #expect(values.map(\.0).sorted() == Self.allValues, "each sample once")
            #expect(values.allSatisfy { Int64($0.0 / 50) == $0.1 }, "the label is the sample's class folder")
        }
        #expect(batches.filter { $0.epoch == 3 }.flatMap(\.images).map { $0.pixels[0] }
                != batches.filter { $0.epoch == 4 }.flatMap(\.images).map { $0.pixels[0] }, "a new order each epoch")
        #expect(batches.allSatisfy { $0.images.allSatisfy { $0.width == 4 && $0.height == 4 && $0.channels == 3 } })
    }

    @Test("a corrupt sample is skipped and its batch filled from the next; --strict stops", arguments: ["serial", "threads", "processes"])
    func corruptSample(executor: String) throws {
        let root = try Self.makeDataset(broken: "b/zz-broken.png")
        defer { try? FileManager.default.removeItem(at: root) }
        let (batches, skipped) = try Self.batches(root, executor: executor, shuffle: false, epochs: 1)
        #expect(skipped == ["b/zz-broken.png: Not a PNG file"])
        #expect(batches.map(\.images.count) == [4, 4, 4, 3], "16 listed, 15 delivered: the batches close up")
        #expect(throws: BatchRunError.self) { _ = try Self.batches(root, executor: executor, shuffle: false, epochs: 1, strict: true) }
    }

    @Test("drop_last drops each epoch's short batch; shards are disjoint and cover the epoch")
    func dropLastAndShards() throws {
        let root = try Self.makeDataset()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Self.batches(root, executor: "threads", dropLast: true).batches.map(\.images.count) == [4, 4, 4, 4, 4, 4])
        var seen: [UInt8] = []
        for index in 0..<2 {
            let part = try Self.batches(root, executor: "threads", epochs: 1, shard: try Shard(index: index, count: 2)).batches
            seen += part.flatMap(\.images).map { $0.pixels[0] }
        }
        #expect(seen.sorted() == Self.allValues, "two ranks: every sample once in all")
    }

    /// Sample workers that make nothing but count how many tasks are submitted and not yet
    /// collected: what the run's `ahead` must bound.
    struct CountingWorkers: SampleWorkers {
        var pending: [Int] = []
        var mostInFlight = 0

        mutating func submit(task: Int, path: String, epoch: Int) throws(BatchRunError) {
            pending.append(task)
            mostInFlight = max(mostInFlight, pending.count)
        }

        mutating func collect() throws(BatchRunError) -> [(task: Int, result: Result<Image, ImageFailure>)] {
            // Finish the newest first: the run must hold results until their turn.
            let task = pending.removeLast()
            return [(task, .success(Image(width: 1, height: 1, channels: 3, repeating: UInt8(task % 256))))]
        }

        mutating func finish() {}
    }

    @Test("back-pressure: never more than `ahead` samples in flight, however slow the reader, and the order kept")
    func backPressure() throws {
        let root = try Self.makeDataset(perClass: 20)
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try LabelledDataset(folderPerClass: root.path)
        let plan = BatchPlan(dataset: dataset, epochPlan: EpochPlan(sampleCount: 60, batchSize: 8, shuffle: false, seed: 0, dropLast: false),
                             firstEpoch: 0, epochs: 2, batchSize: 8, dropLast: false)
        var workers = CountingWorkers()
        var delivered: [UInt8] = []
        _ = try plan.run(on: &workers, ahead: 5, strict: false, emit: { batch throws(BatchRunError) in
            delivered += batch.images.map { $0.pixels[0] }
        }, skipped: { _ in })
        #expect(workers.mostInFlight == 5)
        #expect(delivered == (0..<120).map { UInt8($0 % 256) }, "batches in task order though tasks finished out of order")
    }

    @Test("worker processes are kept at most two requests ahead, with samples larger than a pipe and 1,200 in flight",
          .timeLimit(.minutes(1)))
    func largeSamples() throws {
        // 30 images with 150-character names, 40 epochs in flight at once: 1,200 requests of
        // about 175 bytes (over 100 KiB per worker, more than a pipe holds) while every reply,
        // a 160x160 RGB sample of 75 KiB, is larger than a pipe too. A worker blocked writing a
        // reply reads no request, so the parent must never have more queued in its pipe than
        // fits: the bound of two per worker is what rules that deadlock out.
        let root = try TestData.makeTemporaryFolder("augment-batches-large")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("only")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<30 {
            let name = String(format: "%03d", index) + String(repeating: "n", count: 143) + ".png"
            try Data(try PNG.encode(Image(width: 8, height: 8, channels: 3, repeating: UInt8(index)))).write(to: folder.appendingPathComponent(name))
        }
        let text = #"{"transforms": [{"op": "resize", "width": 160, "height": 160, "interpolation": "nearest"}]}"#
        let dataset = try LabelledDataset(folderPerClass: root.path)
        let job = try BatchJob(root: dataset.root, pipeline: try Pipeline(parsing: text, format: .json), seed: 0, channels: 3)
        var workers = try ProcessSampleWorkers(job: job, pipelineText: text, format: .json, workers: 2,
                                               command: [TestData.augmentExecutable.path, "_sample-worker"])
        let plan = BatchPlan(dataset: dataset, epochPlan: EpochPlan(sampleCount: 30, batchSize: 30, shuffle: false, seed: 0, dropLast: false),
                             firstEpoch: 0, epochs: 40, batchSize: 30, dropLast: false)
        var values: [UInt8] = []
        _ = try plan.run(on: &workers, ahead: 1_200, strict: false, emit: { batch throws(BatchRunError) in
            values += batch.images.map { $0.pixels[0] }
        }, skipped: { _ in })
        #expect(values == (0..<1_200).map { UInt8($0 % 30) }, "every sample of every epoch arrived, in order")
        #expect(workers.mostRequestsAhead == ProcessSampleWorkers.inFlightPerWorker)
    }

    @Test("a sample worker that dies stops the run, naming its pid and how it ended")
    func workerDeath() throws {
        let root = try Self.makeDataset()
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try LabelledDataset(folderPerClass: root.path)
        let job = try BatchJob(root: dataset.root, pipeline: Self.resize, seed: 0, channels: 3)
        let plan = BatchPlan(dataset: dataset, epochPlan: EpochPlan(sampleCount: 15, batchSize: 4, shuffle: false, seed: 0, dropLast: false),
                             firstEpoch: 0, epochs: 1, batchSize: 4, dropLast: false)
        var workers = try ProcessSampleWorkers(job: job, pipelineText: "", format: .json, workers: 2,
                                               command: ["/bin/sh", "-c", "kill -9 $$"])
        #expect {
            _ = try plan.run(on: &workers, ahead: 8, strict: false, emit: { _ throws(BatchRunError) in }, skipped: { _ in })
        } throws: { error in
            let reason = (error as? BatchRunError)?.reason ?? ""
            return reason.contains("sample worker") && reason.contains("ended (killed by signal 9)")
        }
    }

    /// Reads .npy arrays back to back: (descr, shape, data) each, from the format's description:
    /// magic, version, little-endian header length, a Python dict literal, then the data.
    static func readArrays(_ bytes: [UInt8]) throws -> [(descr: String, shape: [Int], data: [UInt8])] {
        var arrays: [(descr: String, shape: [Int], data: [UInt8])] = []
        var offset = 0
        while offset < bytes.count {
            #expect(Array(bytes[offset..<offset + 6]) == [0x93] + Array("NUMPY".utf8))
            let major = bytes[offset + 6]
            let headerLength = major == 1 ? Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8
                : Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            let start = offset + (major == 1 ? 10 : 12)
            let header = String(decoding: bytes[start..<start + headerLength], as: UTF8.self)
            let descr = String(header.split(separator: "'")[3])
            let shapeText = header[header.range(of: "(")!.upperBound..<header.range(of: ")")!.lowerBound]
            let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let size = ["|u1": 1, "<i8": 8, "<f4": 4][descr]! * shape.reduce(1, *)
            let dataStart = start + headerLength
            arrays.append((descr, shape, Array(bytes[dataStart..<dataStart + size])))
            offset = dataStart + size
        }
        return arrays
    }

    @Test("augment batches --out - streams three .npy arrays per batch; the same bytes on every executor")
    func commandStream() throws {
        let root = try Self.makeDataset()
        let folder = try TestData.makeTemporaryFolder("augment-batches-command")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: folder) }
        let pipeline = folder.appendingPathComponent("p.json").path
        try #"{"transforms": [{"op": "hflip", "p": 0.5}, {"op": "random_resized_crop", "width": 6, "height": 4}]}"#
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let arguments = ["batches", root.path, "--pipeline", pipeline, "--batch-size", "4", "--epochs", "2", "--shuffle",
                         "--seed", "11", "--layout", "nchw"]
        var outputs: [[UInt8]] = []
        for executor in [["--executor", "serial"], ["--executor", "threads", "--workers", "3"], ["--executor", "processes", "--workers", "2"]] {
            let result = try CommandRunner.augment(arguments + executor)
            #expect(result.status == 0, "\(result.standardError)")
            outputs.append(result.outputBytes)
        }
        #expect(outputs[1] == outputs[0] && outputs[2] == outputs[0], "the same bytes whatever the executor")
        let arrays = try Self.readArrays(outputs[0])
        #expect(arrays.count == 3 * 8, "8 batches, 3 arrays each")
        #expect(arrays[0].descr == "|u1" && arrays[0].shape == [4, 3, 4, 6], "[B, C, H, W]")
        #expect(arrays[1].descr == "<i8" && arrays[1].shape == [4])
        #expect(arrays[2].descr == "<i8" && arrays[2].shape == [2] && arrays[2].data == [0, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(arrays[23].data == [1, 0, 0, 0, 0, 0, 0, 0] + [3, 0, 0, 0, 0, 0, 0, 0], "the last batch: epoch 1, batch 3")

        let classes = try CommandRunner.augment(arguments + ["--print-classes", "--shard", "1/2"])
        #expect(classes.standardOutput == #"{"classes":["a","b","c"],"samples":7,"batches_per_epoch":2}"# + "\n")

        let npz = folder.appendingPathComponent("npz").path
        let written = try CommandRunner.augment(arguments + ["--out", npz, "--dtype", "float32"])
        #expect(written.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: npz).sorted().prefix(2) == ["e0000-b000000.npz", "e0000-b000001.npz"])
    }

    @Test("a pipeline without a fixed output size, a missing dataset and bad options are refused")
    func refusals() throws {
        let root = try Self.makeDataset()
        let folder = try TestData.makeTemporaryFolder("augment-batches-refusals")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: folder) }
        let pipeline = folder.appendingPathComponent("p.json").path
        try #"{"transforms": [{"op": "hflip"}]}"#.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let unsized = try CommandRunner.augment(["batches", root.path, "--pipeline", pipeline, "--batch-size", "2"])
        #expect(unsized.status == 64)
        #expect(unsized.standardError.contains("fixed output size"))
        let missing = try CommandRunner.augment(["batches", "/nonexistent/data", "--pipeline", pipeline, "--batch-size", "2"])
        #expect(missing.status == 2 && missing.standardError.contains("/nonexistent/data"))
        let bad = try CommandRunner.augment(["batches", root.path, "--pipeline", pipeline, "--batch-size", "0"])
        #expect(bad.status == 64 && bad.standardError.contains("--batch-size"))

        // --print-classes (what a loader runs first) already refuses a bad --normalize: a count
        // that fits no channel count, and statistics with a constant channel (std 0).
        try #"{"transforms": [{"op": "resize", "width": 4, "height": 4}]}"#.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let counted = try CommandRunner.augment(["batches", root.path, "--pipeline", pipeline, "--batch-size", "2", "--print-classes",
                                                 "--normalize", "0.5,0.5,0.5,0.2"])
        #expect(counted.status == 64 && counted.standardError.contains("--normalize"), "\(counted.standardError)")
        let stats = folder.appendingPathComponent("stats.json").path
        try #"{"count":4,"images":1,"channels":3,"mean":[1,2,3],"std":[1,0,2],"covariance":[[1,0,0],[0,0,0],[0,0,4]],"eigenvalues":[4,1,0],"eigenvectors":[[0,0,1],[1,0,0],[0,1,0]]}"#
            .write(toFile: stats, atomically: true, encoding: .utf8)
        let constant = try CommandRunner.augment(["batches", root.path, "--pipeline", pipeline, "--batch-size", "2", "--print-classes",
                                                  "--normalize", stats])
        #expect(constant.status == 64 && constant.standardError.contains("channel 1 has std 0"), "\(constant.standardError)")
    }

    @Test("--shard with --drop-last: every rank the same samples and batches, as DistributedSampler(drop_last=True)")
    func evenShards() throws {
        let root = try Self.makeDataset()  // 15 samples
        let folder = try TestData.makeTemporaryFolder("augment-batches-shards")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: folder) }
        let pipeline = folder.appendingPathComponent("p.json").path
        try #"{"transforms": [{"op": "resize", "width": 4, "height": 4}]}"#.write(toFile: pipeline, atomically: true, encoding: .utf8)
        for (flags, expected) in [([String](), [#""samples":4,"batches_per_epoch":2"#, #""samples":4,"batches_per_epoch":2"#,
                                                #""samples":4,"batches_per_epoch":2"#, #""samples":3,"batches_per_epoch":1"#]),
                                  (["--drop-last"], Array(repeating: #""samples":3,"batches_per_epoch":1"#, count: 4))] {
            for rank in 0..<4 {
                let result = try CommandRunner.augment(["batches", root.path, "--pipeline", pipeline, "--batch-size", "3",
                                                        "--shard", "\(rank)/4", "--print-classes"] + flags)
                #expect(result.standardOutput.contains(expected[rank]), "rank \(rank) \(flags): \(result.standardOutput)")
            }
        }
    }
}
