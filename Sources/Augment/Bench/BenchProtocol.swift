/// The bench worker protocol: how `augment bench --executor processes` feeds its workers
/// (`augment _bench-worker`). It reuses the framing of the folder workers' protocol
/// (docs/worker-protocol.md: a u32 little-endian length, a u8 type, the payload) with its own
/// greeting, so neither kind of worker can be fed the other's job.
///
/// Parent to worker: the greeting, then `taskSet` once, then any number of `tasks`.
/// Worker to parent: the greeting, then `ready` once its inputs are built (or `refused`), then
/// one `done` or `failed` per task, in the order run. End of file on the request pipe ends it.
enum BenchProtocol {
    static let magic: [UInt8] = Array("AUGB".utf8)
    static let version: UInt16 = 1

    static var hello: [UInt8] {
        var writer = WireWriter()
        writer.raw(magic)
        writer.u16(version)
        return writer.bytes
    }
}

/// From the parent to a bench worker.
enum BenchRequest: Equatable {
    case taskSet(BenchTaskSet)
    /// Task numbers to run, in order.
    case tasks([UInt32])

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .taskSet(let taskSet):
            taskSet.write(to: &writer)
            return WorkerProtocol.frame(type: 1, writer.bytes)
        case .tasks(let tasks):
            writer.u32(UInt32(tasks.count))
            for task in tasks { writer.u32(task) }
            return WorkerProtocol.frame(type: 2, writer.bytes)
        }
    }

    init(type: UInt8, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch type {
        case 1:
            self = .taskSet(try BenchTaskSet(reading: &reader))
        case 2:
            let count = Int(try reader.u32())
            var tasks: [UInt32] = []
            for _ in 0..<count { tasks.append(try reader.u32()) }
            self = .tasks(tasks)
        default:
            throw WireError(reason: "unknown bench request type \(type)")
        }
        try reader.expectEnd()
    }
}

/// From a bench worker to the parent.
enum BenchReply: Equatable {
    case ready
    case refused(reason: String)
    /// A task ran from `start` to `stop` (`MonotonicClock` nanoseconds) and gave `checksum`.
    case done(task: UInt32, start: UInt64, stop: UInt64, checksum: UInt64)
    case failed(task: UInt32, reason: String)

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .ready:
            return WorkerProtocol.frame(type: 16, [])
        case .refused(let reason):
            writer.string(reason)
            return WorkerProtocol.frame(type: 17, writer.bytes)
        case .done(let task, let start, let stop, let checksum):
            writer.u32(task)
            writer.u64(start)
            writer.u64(stop)
            writer.u64(checksum)
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
            let task = try reader.u32(), start = try reader.u64(), stop = try reader.u64()
            self = .done(task: task, start: start, stop: stop, checksum: try reader.u64())
        case 19:
            let task = try reader.u32()
            self = .failed(task: task, reason: try reader.string())
        default:
            throw WireError(reason: "unknown bench reply type \(type)")
        }
        try reader.expectEnd()
    }
}
