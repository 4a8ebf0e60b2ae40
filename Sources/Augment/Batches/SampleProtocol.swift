/// The sample worker protocol: how `augment batches --executor processes` feeds its workers
/// (`augment _sample-worker`). The framing of the folder workers' protocol
/// (docs/worker-protocol.md) with its own greeting, "AUGS".
///
/// Parent to worker: the greeting, the job once, then tasks. Worker to parent: the greeting,
/// `ready` (or `refused`), then one `done` (with the sample's pixels) or `failed` per task, in
/// the order received. End of file on the request pipe ends the worker.
enum SampleProtocol {
    static let magic: [UInt8] = Array("AUGS".utf8)
    static let version: UInt16 = 1

    static var hello: [UInt8] {
        var writer = WireWriter()
        writer.raw(magic)
        writer.u16(version)
        return writer.bytes
    }
}

/// A batch job as data: what a worker needs to rebuild the parent's `BatchJob`.
struct SampleJobDescription: Equatable {
    var root: String
    var pipelineText: String
    var format: PipelineFileFormat
    var seed: UInt64
    var channels: Int
    var maxPixels: Int
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
            guard [1, 3, 4].contains(channels), maxPixels > 0, maxPixels <= UInt64(Int.max) else {
                throw WireError(reason: "bad decoding options")
            }
            self = .job(SampleJobDescription(root: root, pipelineText: text, format: format, seed: seed,
                                             channels: channels, maxPixels: Int(maxPixels)))
        case 2:
            let task = try reader.u32(), path = try reader.string()
            self = .task(task, path: path, epoch: try reader.u32())
        default:
            throw WireError(reason: "unknown sample request type \(type)")
        }
        try reader.expectEnd()
    }
}

enum SampleReply: Equatable {
    case ready
    case refused(reason: String)
    /// The sample's interleaved 8-bit pixels.
    case done(task: UInt32, width: UInt32, height: UInt32, channels: UInt8, pixels: [UInt8])
    case failed(task: UInt32, reason: String)

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .ready:
            return WorkerProtocol.frame(type: 16, [])
        case .refused(let reason):
            writer.string(reason)
            return WorkerProtocol.frame(type: 17, writer.bytes)
        case .done(let task, let width, let height, let channels, let pixels):
            writer.u32(task)
            writer.u32(width)
            writer.u32(height)
            writer.u8(channels)
            writer.raw(pixels)
            return WorkerProtocol.frame(type: 18, writer.bytes)
        case .failed(let task, let reason):
            writer.u32(task)
            writer.string(reason)
            return WorkerProtocol.frame(type: 19, writer.bytes)
        }
    }

    init(type: UInt8, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch type {
        case 16: self = .ready
        case 17: self = .refused(reason: try reader.string())
        case 18:
            let task = try reader.u32(), width = try reader.u32(), height = try reader.u32(), channels = try reader.u8()
            let count = Int(width) * Int(height) * Int(channels)
            guard payload.count == 13 + count else { throw WireError(reason: "a sample of the wrong length") }
            self = .done(task: task, width: width, height: height, channels: channels, pixels: Array(payload[13...]))
            return
        case 19:
            let task = try reader.u32()
            self = .failed(task: task, reason: try reader.string())
        default:
            throw WireError(reason: "unknown sample reply type \(type)")
        }
        try reader.expectEnd()
    }
}
