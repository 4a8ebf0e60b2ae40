/// The messages of the worker protocol, version 3 (docs/worker-protocol.md). Every message is
/// framed as a u32 little-endian length (of what follows), a u8 type, and the payload.
enum WorkerProtocol {
    /// Sent first by each side, before any message: "AUGW", then the version as u16.
    static let magic: [UInt8] = Array("AUGW".utf8)
    static let version: UInt16 = 3
    /// The largest frame either side accepts: a manifest to replay is the biggest message.
    static let maximumFrame = 1 << 30

    /// The six bytes each side sends first.
    static var hello: [UInt8] { greeting(magic: magic, version: version) }

    /// A protocol's greeting: its four-byte magic, then its version as u16 (the folder, bench
    /// and sample workers each have their own, so that none can be fed another's job).
    static func greeting(magic: [UInt8], version: UInt16) -> [UInt8] {
        var writer = WireWriter()
        writer.raw(magic)
        writer.u16(version)
        return writer.bytes
    }

    /// Frames a message: length, type, payload.
    static func frame(type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var writer = WireWriter()
        writer.u32(UInt32(payload.count + 1))
        writer.u8(type)
        writer.raw(payload)
        return writer.bytes
    }

    /// Takes every complete frame off the front of `buffer`.
    ///
    /// - Complexity: O(bytes taken).
    /// - Throws: `WireError` for a frame longer than `maximumFrame` or empty.
    static func takeFrames(from buffer: inout [UInt8]) throws(WireError) -> [(type: UInt8, payload: [UInt8])] {
        var frames: [(type: UInt8, payload: [UInt8])] = []
        var offset = 0
        while buffer.count - offset >= 4 {
            var reader = WireReader(buffer, offset: offset)
            let length = Int(try reader.u32())
            guard length >= 1, length <= maximumFrame else { throw WireError(reason: "a frame of \(length) bytes") }
            guard buffer.count - offset - 4 >= length else { break }
            frames.append((buffer[offset + 4], Array(buffer[offset + 5..<offset + 4 + length])))
            offset += 4 + length
        }
        if offset > 0 { buffer.removeSubrange(0..<offset) }
        return frames
    }
}

/// From the parent to a worker.
enum WorkerRequest: Equatable {
    /// Once, first: the job.
    case job(JobDescription)
    /// Images to process, each with the parent's index for it.
    case chunk([(index: UInt32, path: String)])

    static func == (a: WorkerRequest, b: WorkerRequest) -> Bool {
        switch (a, b) {
        case (.job(let x), .job(let y)): x == y
        case (.chunk(let x), .chunk(let y)): x.map(\.index) == y.map(\.index) && x.map(\.path) == y.map(\.path)
        default: false
        }
    }

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .job(let job):
            job.write(to: &writer)
            return WorkerProtocol.frame(type: 1, writer.bytes)
        case .chunk(let items):
            writer.u32(UInt32(items.count))
            for item in items {
                writer.u32(item.index)
                writer.string(item.path)
            }
            return WorkerProtocol.frame(type: 2, writer.bytes)
        }
    }

    init(type: UInt8, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch type {
        case 1:
            self = .job(try JobDescription(reading: &reader))
        case 2:
            let count = Int(try reader.u32())
            var items: [(index: UInt32, path: String)] = []
            for _ in 0..<count { items.append((try reader.u32(), try reader.string())) }
            self = .chunk(items)
        default:
            throw WireError(reason: "unknown request type \(type)")
        }
        try reader.expectEnd()
    }
}

/// From a worker to the parent.
enum WorkerReply: Equatable {
    /// The job was understood; chunks may follow.
    case ready
    /// The job could not be built (a pipeline that does not parse); the worker exits.
    case refused(reason: String)
    /// One image processed: skipped (resuming) or written, with its manifest entries as JSON
    /// lines when the job asked for them.
    case done(index: UInt32, skipped: Bool, outputs: UInt32, entries: [String])
    /// One image failed.
    case failed(index: UInt32, reason: String, stopsTheRun: Bool)
    /// The worker begins this image (sent before any work on it), so that if the worker dies
    /// the parent knows whether an image was in progress or the worker was between images.
    case started(index: UInt32)

    var framed: [UInt8] {
        var writer = WireWriter()
        switch self {
        // `ready` and `refused` are framed as in the bench and sample workers' protocols.
        case .ready:
            return PipeWorkerReply.ready.framed
        case .refused(let reason):
            return PipeWorkerReply.refused(reason: reason).framed
        case .done(let index, let skipped, let outputs, let entries):
            writer.u32(index)
            writer.u8(skipped ? 1 : 0)
            writer.u32(outputs)
            writer.u32(UInt32(entries.count))
            for entry in entries { writer.string(entry) }
            return WorkerProtocol.frame(type: 18, writer.bytes)
        case .failed(let index, let reason, let stopsTheRun):
            writer.u32(index)
            writer.u8(stopsTheRun ? 1 : 0)
            writer.string(reason)
            return WorkerProtocol.frame(type: 19, writer.bytes)
        case .started(let index):
            writer.u32(index)
            return WorkerProtocol.frame(type: 20, writer.bytes)
        }
    }

    init(type: UInt8, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch type {
        case 16:
            self = .ready
        case 17:
            self = .refused(reason: try reader.string())
        case 18:
            let index = try reader.u32(), skipped = try reader.bool(), outputs = try reader.u32()
            let count = Int(try reader.u32())
            var entries: [String] = []
            for _ in 0..<count { entries.append(try reader.string()) }
            self = .done(index: index, skipped: skipped, outputs: outputs, entries: entries)
        case 19:
            let index = try reader.u32(), stops = try reader.bool()
            self = .failed(index: index, reason: try reader.string(), stopsTheRun: stops)
        case 20:
            self = .started(index: try reader.u32())
        default:
            throw WireError(reason: "unknown reply type \(type)")
        }
        try reader.expectEnd()
    }
}
