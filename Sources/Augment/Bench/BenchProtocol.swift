/// The bench worker protocol: how `augment bench --executor processes` feeds its workers
/// (`augment _bench-worker`). It reuses the framing of the folder workers' protocol
/// (docs/worker-protocol.md: a u32 little-endian length, a u8 type, the payload) with its own
/// greeting, so neither kind of worker can be fed the other's job.
///
/// Parent to worker: the greeting, then `taskSet` once, then any number of `tasks`.
/// Worker to parent: the greeting, then `ready` once its inputs are built (or `refused`), then
/// one `done` (`BenchTaskResult`) or `failed` per task, in the order run
/// (`PipeWorkerReply`). End of file on the request pipe ends it.
enum BenchProtocol {
    static let magic: [UInt8] = Array("AUGB".utf8)
    static let version: UInt16 = 1

    static var hello: [UInt8] { WorkerProtocol.greeting(magic: magic, version: version) }
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

/// What a bench worker's `done` reply carries: when the task ran (`MonotonicClock`
/// nanoseconds) and the checksum of what it computed.
struct BenchTaskResult: Equatable {
    var start: UInt64
    var stop: UInt64
    var checksum: UInt64

    var bytes: [UInt8] {
        var writer = WireWriter()
        writer.u64(start)
        writer.u64(stop)
        writer.u64(checksum)
        return writer.bytes
    }

    init(start: UInt64, stop: UInt64, checksum: UInt64) {
        self.start = start
        self.stop = stop
        self.checksum = checksum
    }

    init(bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        start = try reader.u64()
        stop = try reader.u64()
        checksum = try reader.u64()
        try reader.expectEnd()
    }
}
