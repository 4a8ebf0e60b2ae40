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
    }
}
