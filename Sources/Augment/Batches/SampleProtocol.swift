/// The sample worker protocol: how `augment batches --executor processes` feeds its workers
/// (`augment _sample-worker`). The framing of the folder workers' protocol
/// (docs/worker-protocol.md) with its own greeting, "AUGS".
///
/// Parent to worker: the greeting, the job once, then tasks. Worker to parent: the greeting,
/// `ready` (or `refused`), then one `done` (with the sample, `Image.wireBytes`) or `failed` per
/// task, in the order received (`PipeWorkerReply`). End of file on the request pipe ends the
/// worker.
enum SampleProtocol {
    static let magic: [UInt8] = Array("AUGS".utf8)
    /// 2: the job says whether to decode every row (`BatchJob.decodesEveryRow`).
    static let version: UInt16 = 2

    static var hello: [UInt8] { WorkerProtocol.greeting(magic: magic, version: version) }
}

/// A batch job as data: what a worker needs to rebuild the parent's `BatchJob`.
struct SampleJobDescription: Equatable {
    var root: String
    var pipelineText: String
    var format: PipelineFileFormat
    var seed: UInt64
    var channels: Int
    var maxPixels: Int
    var decodesEveryRow: Bool
}

enum SampleRequest: Equatable {
    case job(SampleJobDescription)
    case task(UInt32, path: String, epoch: UInt32)

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .job(let job):
            writer.string(job.root)
            writer.string(job.pipelineText)
            writer.u8(job.format == .json ? 0 : 1)
            writer.u64(job.seed)
            writer.u8(UInt8(job.channels))
            writer.u64(UInt64(job.maxPixels))
            writer.u8(job.decodesEveryRow ? 1 : 0)
            return WorkerProtocol.frame(type: 1, writer.bytes)
        case .task(let task, let path, let epoch):
            writer.u32(task)
            writer.string(path)
            writer.u32(epoch)
            return WorkerProtocol.frame(type: 2, writer.bytes)
        }
    }

    init(type: UInt8, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch type {
        case 1:
            let root = try reader.string(), text = try reader.string()
            let format: PipelineFileFormat = try reader.bool() ? .yaml : .json
            let seed = try reader.u64(), channels = Int(try reader.u8()), maxPixels = try reader.u64()
            let decodesEveryRow = try reader.bool()
            guard [1, 3, 4].contains(channels), maxPixels > 0, maxPixels <= UInt64(Int.max) else {
                throw WireError(reason: "bad decoding options")
            }
            self = .job(SampleJobDescription(root: root, pipelineText: text, format: format, seed: seed,
                                             channels: channels, maxPixels: Int(maxPixels), decodesEveryRow: decodesEveryRow))
        case 2:
            let task = try reader.u32(), path = try reader.string()
            self = .task(task, path: path, epoch: try reader.u32())
        default:
            throw WireError(reason: "unknown sample request type \(type)")
        }
        try reader.expectEnd()
    }
}

extension Image {
    /// The image as a sample worker's `done` reply carries it: u32 width, u32 height, u8
    /// channels, then the interleaved pixels.
    var wireBytes: [UInt8] {
        var writer = WireWriter()
        writer.u32(UInt32(width))
        writer.u32(UInt32(height))
        writer.u8(UInt8(channels))
        writer.raw(pixels)
        return writer.bytes
    }

    init(wireBytes bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        let width = Int(try reader.u32()), height = Int(try reader.u32()), channels = Int(try reader.u8())
        guard (1...4).contains(channels), bytes.count == 9 + width * height * channels else {
            throw WireError(reason: "a sample of the wrong length")
        }
        self.init(width: width, height: height, channels: channels, pixels: Array(bytes[9...]))
    }
}
