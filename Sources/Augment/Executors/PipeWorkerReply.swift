/// A reply of the bench and sample workers (`PipeWorkerServer`): the same four messages in
/// both protocols, framed as every worker message is (docs/worker-protocol.md). What a done
/// task's `result` holds is each protocol's own (`BenchTaskResult`, `Image.wireBytes`).
enum PipeWorkerReply: Equatable {
    /// The job was built; tasks may follow.
    case ready
    /// The job cannot be built; the worker exits with status 2.
    case refused(reason: String)
    case done(task: UInt32, result: [UInt8])
    case failed(task: UInt32, reason: String)

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .ready:
            return WorkerProtocol.frame(type: 16, [])
        case .refused(let reason):
            writer.string(reason)
            return WorkerProtocol.frame(type: 17, writer.bytes)
        case .done(let task, let result):
            writer.u32(task)
            writer.raw(result)
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
            let task = try reader.u32()
            self = .done(task: task, result: Array(payload[4...]))
            return
        case 19:
            let task = try reader.u32()
            self = .failed(task: task, reason: try reader.string())
        default:
            throw WireError(reason: "unknown reply type \(type)")
        }
        try reader.expectEnd()
    }
}
