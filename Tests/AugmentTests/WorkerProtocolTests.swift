import Testing
@testable import Augment

/// The worker protocol's wire format (docs/worker-protocol.md), checked against bytes assembled
/// here from the document's tables rather than with the product's `WireWriter`.
@Suite("WorkerProtocol")
struct WorkerProtocolTests {
    // MARK: Encodings written out from the document, independently of WireWriter

    /// A little-endian integer of `width` bytes.
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func u32(_ value: UInt32) -> [UInt8] { le(UInt64(value), 4) }
    static func u64(_ value: UInt64) -> [UInt8] { le(value, 8) }

    /// "A string is a u32 byte count followed by that many bytes of UTF-8."
    static func string(_ value: String) -> [UInt8] { u32(UInt32(value.utf8.count)) + Array(value.utf8) }

    /// "u32 length (of what follows), u8 type, then the payload."
    static func frame(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] { u32(UInt32(payload.count + 1)) + [type] + payload }

    /// The job's payload, field by field in the order of the document's table.
    static func jobPayload(input: String = "in", output: String = "out", maxPixels: UInt64 = 1000,
                           channels: UInt8 = 0, level: UInt8 = 6, strategy: UInt8 = 0, filter: UInt8 = 0xF8,
                           encoder: UInt8 = 0, resume: UInt8 = 0, wantsEntries: UInt8 = 0, plan: [UInt8]) -> [UInt8] {
        string(input) + string(output) + u64(maxPixels)
            + [channels, level, strategy, filter, encoder, resume, wantsEntries] + plan
    }

    /// Plan kind 0: `bool has pipeline`, `string pipeline text`, `u8 format`, `u64 seed`, `u32 copies`.
    static func augmentPlan(hasPipeline: UInt8 = 1, text: String = "{}", format: UInt8 = 0,
                            seed: UInt64 = 0, copies: UInt32 = 1) -> [UInt8] {
        [0, hasPipeline] + string(text) + [format] + u64(seed) + u32(copies)
    }

    /// Plan kind 1: `string manifest text`.
    static func replayPlan(_ text: String) -> [UInt8] { [1] + string(text) }

    // MARK: Decoding through the product

    struct Frame: Equatable {
        var type: UInt8
        var payload: [UInt8]
    }

    /// Every frame of `bytes`, which must hold whole frames only.
    static func frames(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [Frame] {
        var buffer = bytes
        let frames = try WorkerProtocol.takeFrames(from: &buffer)
        #expect(buffer.isEmpty, "bytes left in the buffer", sourceLocation: sourceLocation)
        return frames.map { Frame(type: $0.type, payload: $0.payload) }
    }

    static func requests(_ bytes: [UInt8]) throws -> [WorkerRequest] {
        try frames(bytes).map { frame throws(WireError) in try WorkerRequest(type: frame.type, payload: frame.payload) }
    }

    static func replies(_ bytes: [UInt8]) throws -> [WorkerReply] {
        try frames(bytes).map { frame throws(WireError) in try WorkerReply(type: frame.type, payload: frame.payload) }
    }

    /// The payload of a message framed by the product.
    static func payload(_ framed: [UInt8]) -> [UInt8] { Array(framed.dropFirst(5)) }

    // MARK: Sample messages

    static let options = FolderJob.Options(decoding: .init(maxPixels: 12_345_678_901, channels: 3),
                                           compression: .init(level: 7, strategy: .rle, filter: .paeth),
                                           resume: true)

    static let jobs: [JobDescription] = [
        JobDescription(input: "/données/入力 images", output: "/tmp/出力/😀 out", options: options,
                       source: .augment(pipelineText: #"{"transforms": [{"op": "hflip", "p": 0.5}]}"#, format: .json,
                                        seed: .max, copies: 3),
                       wantsEntries: true),
        JobDescription(input: "Ünïcödé", output: "наружу", options: .init(),
                       source: .augment(pipelineText: "transforms:\n  - op: vflip  # é\n", format: .yaml, seed: 0, copies: 1)),
        JobDescription(input: "a", output: "b", options: .init(decoding: .init(channels: 1)),
                       source: .augment(pipelineText: nil, format: .json, seed: 42, copies: Int(UInt32.max))),
        JobDescription(input: "a", output: "b", options: .init(),
                       source: .augment(pipelineText: "", format: .yaml, seed: 42, copies: 2)),
        JobDescription(input: "/data/画像", output: "/out/😀", options: options,
                       source: .replay(manifestText: #"{"source":"données/é.png","output":"données/é_0.png"}"# + "\n"),
                       wantsEntries: true),
        JobDescription(input: "", output: "", options: .init(), source: .replay(manifestText: "")),
    ]

    static let requestSamples: [WorkerRequest] = [
        .chunk([]),
        .chunk([(0, "a.png")]),
        .chunk([(1, "cls_a/img 1.png"), (UInt32.max, "données/画像/😀.png"), (5, "")]),
    ] + jobs.map { .job($0) }

    static let replySamples: [WorkerReply] = [
        .ready,
        .refused(reason: "pipeline: line 2: unknown op « zoomm »"),
        .refused(reason: ""),
        .done(index: 0, skipped: true, outputs: 0, entries: []),
        .done(index: UInt32.max, skipped: false, outputs: 3,
              entries: [#"{"a":1}"#, "", #"{"output":"é/😀_0.png"}"#]),
        .failed(index: 7, reason: "disk full", stopsTheRun: true),
        .failed(index: 0x0102_0304, reason: "", stopsTheRun: false),
        .started(index: 0),
        .started(index: UInt32.max),
    ]

    // MARK: (a) Handshake

    @Test("hello is \"AUGW\" then the version as u16 little-endian: 41 55 47 57 03 00")
    func hello() {
        #expect(WorkerProtocol.hello == [0x41, 0x55, 0x47, 0x57, 0x03, 0x00])
        #expect(WorkerProtocol.version == 3)
    }

    // MARK: (b) Messages, round trip and byte by byte

    @Test("requests framed by the product decode back to equal values", arguments: Self.requestSamples)
    func requestRoundTrip(request: WorkerRequest) throws {
        #expect(try Self.requests(request.framed) == [request])
    }

    @Test("replies framed by the product decode back to equal values", arguments: Self.replySamples)
    func replyRoundTrip(reply: WorkerReply) throws {
        #expect(try Self.replies(reply.framed) == [reply])
    }

    @Test("a chunk, byte by byte")
    func chunkBytes() throws {
        let request = WorkerRequest.chunk([(1, "a.png"), (0x0001_0000, "ü")])
        let bytes: [UInt8] = [
            0x1C, 0x00, 0x00, 0x00,  // length 28: type + payload
            0x02,  // chunk
            0x02, 0x00, 0x00, 0x00,  // count 2
            0x01, 0x00, 0x00, 0x00,  // index 1
            0x05, 0x00, 0x00, 0x00, 0x61, 0x2E, 0x70, 0x6E, 0x67,  // "a.png"
            0x00, 0x00, 0x01, 0x00,  // index 0x10000
            0x02, 0x00, 0x00, 0x00, 0xC3, 0xBC,  // "ü"
        ]
        #expect(request.framed == bytes)
        #expect(try Self.requests(bytes) == [request])
    }

    @Test("done, failed, started, ready and refused, byte by byte")
    func replyBytes() throws {
        let expected: [(WorkerReply, [UInt8])] = [
            (.done(index: 0x0102_0304, skipped: true, outputs: 3, entries: ["{}"]), [
                0x14, 0x00, 0x00, 0x00,  // length 20
                0x12,  // done
                0x04, 0x03, 0x02, 0x01,  // index
                0x01,  // skipped
                0x03, 0x00, 0x00, 0x00,  // outputs written
                0x01, 0x00, 0x00, 0x00,  // count
                0x02, 0x00, 0x00, 0x00, 0x7B, 0x7D,  // "{}"
            ]),
            (.done(index: 2, skipped: false, outputs: 0, entries: []), [
                0x0E, 0x00, 0x00, 0x00, 0x12, 0x02, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ]),
            (.failed(index: 9, reason: "é", stopsTheRun: true), [
                0x0C, 0x00, 0x00, 0x00,  // length 12
                0x13,  // failed
                0x09, 0x00, 0x00, 0x00,  // index
                0x01,  // stops the run
                0x02, 0x00, 0x00, 0x00, 0xC3, 0xA9,  // "é"
            ]),
            (.failed(index: 9, reason: "", stopsTheRun: false), [
                0x0A, 0x00, 0x00, 0x00, 0x13, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ]),
            (.started(index: 0x00AB_CDEF), [0x05, 0x00, 0x00, 0x00, 0x14, 0xEF, 0xCD, 0xAB, 0x00]),
            (.ready, [0x01, 0x00, 0x00, 0x00, 0x10]),
            (.refused(reason: "no"), [0x07, 0x00, 0x00, 0x00, 0x11, 0x02, 0x00, 0x00, 0x00, 0x6E, 0x6F]),
        ]
        for (reply, bytes) in expected {
            #expect(reply.framed == bytes, "\(reply)")
            #expect(try Self.replies(bytes) == [reply])
        }
    }

    @Test("a job, field by field in the document's order")
    func jobBytes() throws {
        let augment = JobDescription(
            input: "in/é", output: "out",
            options: .init(decoding: .init(maxPixels: 0x0102_0304_0506_0708, channels: 4),
                           compression: .init(level: 9, strategy: .fixed, filter: .adaptive)),
            source: .augment(pipelineText: "{}", format: .yaml, seed: 0x1122_3344_5566_7788, copies: 2),
            wantsEntries: true)
        let augmentBytes: [UInt8] = [
            0x05, 0x00, 0x00, 0x00, 0x69, 0x6E, 0x2F, 0xC3, 0xA9,  // input "in/é"
            0x03, 0x00, 0x00, 0x00, 0x6F, 0x75, 0x74,  // output "out"
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // max pixels
            0x04,  // channels
            0x09, 0x04, 0xF8, 0x00,  // level, strategy (Z_FIXED), filter (adaptive), encoder (libpng)
            0x00, 0x01,  // resume, wants entries
            0x00,  // plan: augment
            0x01, 0x02, 0x00, 0x00, 0x00, 0x7B, 0x7D,  // has pipeline, "{}"
            0x01,  // YAML
            0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // seed
            0x02, 0x00, 0x00, 0x00,  // copies
        ]
        #expect(augmentBytes.count == 52)
        #expect(WorkerRequest.job(augment).framed == [0x35, 0x00, 0x00, 0x00, 0x01] + augmentBytes)
        #expect(try Self.requests([0x35, 0x00, 0x00, 0x00, 0x01] + augmentBytes) == [.job(augment)])

        let noPipeline = JobDescription(input: "a", output: "b", options: .init(resume: true),
                                        source: .augment(pipelineText: nil, format: .json, seed: 5, copies: 1))
        let fast = PNG.Compression.fast
        #expect(WorkerRequest.job(noPipeline).framed == Self.frame(1, Self.jobPayload(
            input: "a", output: "b", maxPixels: UInt64(PNG.DecodingOptions.defaultMaxPixels),
            level: UInt8(fast.level), strategy: UInt8(fast.strategy.rawValue), filter: UInt8(fast.filter.rawValue),
            encoder: 1, resume: 1, plan: Self.augmentPlan(hasPipeline: 0, text: "", seed: 5))))

        let replay = JobDescription(input: "ä", output: "ö", options: .init(decoding: .init(maxPixels: 1000)),
                                    source: .replay(manifestText: "línea\n"))
        #expect(WorkerRequest.job(replay).framed == Self.frame(1, Self.jobPayload(
            input: "ä", output: "ö", level: UInt8(fast.level), strategy: UInt8(fast.strategy.rawValue),
            filter: UInt8(fast.filter.rawValue), encoder: 1, plan: Self.replayPlan("línea\n"))))
    }

    // MARK: (c) Job descriptions

    @Test("a job description round-trips through its wire form", arguments: Self.jobs)
    func jobRoundTrip(job: JobDescription) throws {
        var writer = WireWriter()
        job.write(to: &writer)
        var reader = WireReader(writer.bytes)
        #expect(try JobDescription(reading: &reader) == job)
        #expect(reader.isAtEnd)
        #expect(try Self.requests(WorkerRequest.job(job).framed) == [.job(job)])
    }

    @Test("every channel count, zlib level, strategy and filter round-trips, and so does the built-in `fast`")
    func jobOptionsRoundTrip() throws {
        for channels in [nil, 1, 3, 4] as [Int?] {
            var compressions: [PNG.Compression] = [.fast]
            for level in 0...9 {
                for strategy in PNG.Compression.Strategy.allCases {
                    for filter in PNG.Compression.Filter.allCases {
                        compressions.append(.init(level: level, strategy: strategy, filter: filter))
                    }
                }
            }
            for (index, compression) in compressions.enumerated() {
                let options = FolderJob.Options(decoding: .init(maxPixels: Int.max, channels: channels),
                                                compression: compression, resume: index % 2 == 0)
                let job = JobDescription(input: "i", output: "o", options: options,
                                         source: .replay(manifestText: "m"), wantsEntries: index % 3 == 0)
                let decoded = try Self.requests(WorkerRequest.job(job).framed)
                #expect(decoded == [.job(job)])
                guard case .job(let decodedJob) = decoded.first else { continue }
                #expect(decodedJob.options.compression.encoder == compression.encoder)
            }
        }
    }

    @Test("an unknown encoder byte is refused as a bad compression")
    func unknownEncoder() throws {
        let payload = Self.jobPayload(encoder: 2, plan: Self.replayPlan("m"))
        var reader = WireReader(payload)
        #expect(throws: WireError.self) { try JobDescription(reading: &reader) }
    }

    @Test("a decoded job builds the parent's plan")
    func decodedJobPlan() throws {
        let job = Self.jobs[0]
        guard case .job(let decoded) = try Self.requests(WorkerRequest.job(job).framed).first else {
            Issue.record("not a job")
            return
        }
        guard case .augment(let augmentation) = try decoded.plan() else {
            Issue.record("not an augmentation")
            return
        }
        #expect(augmentation.seed == .max)
        #expect(augmentation.copies == 3)
        guard case .augment(let text?, let format, _, _) = job.source else { return }
        #expect(augmentation.pipeline == (try Pipeline(parsing: text, format: format)))
        #expect(augmentation.pipeline.transforms.count == 1)
    }

    // MARK: (d) Malformed input

    @Test("takeFrames refuses a length above the maximum, and a zero length", arguments: [
        Self.u32(1 << 30 + 1) + [2],
        Self.u32(UInt32.max),
        Self.u32(0),
        Self.u32(0) + [2, 0, 0, 0, 0],
        Self.frame(16, []) + Self.u32(0),
        Self.frame(16, []) + Self.u32(1 << 30 + 1),
    ])
    func badLengths(bytes: [UInt8]) {
        var buffer = bytes
        #expect(throws: WireError.self) { try WorkerProtocol.takeFrames(from: &buffer) }
    }

    @Test("takeFrames waits for a frame of the maximum length, and for a length not yet complete")
    func longestFrameWaits() throws {
        for bytes in [Self.u32(1 << 30) + [2, 0, 0], [0x05, 0x00, 0x00], [], [0xFF]] {
            var buffer = bytes
            #expect(try WorkerProtocol.takeFrames(from: &buffer).isEmpty)
            #expect(buffer == bytes)
        }
    }

    @Test("unknown types are refused")
    func unknownTypes() {
        for type in [0, 3, 15, 16, 17, 18, 19, 20, 21, 255] as [UInt8] {
            #expect(throws: WireError.self) { try WorkerRequest(type: type, payload: []) }
        }
        for type in [0, 1, 2, 3, 15, 21, 32, 255] as [UInt8] {
            #expect(throws: WireError.self) { try WorkerReply(type: type, payload: []) }
        }
    }

    @Test("every truncated payload is refused")
    func truncatedPayloads() {
        for request in Self.requestSamples {
            let payload = Self.payload(request.framed)
            let type = request.framed[4]
            for length in 0..<payload.count {
                #expect(throws: WireError.self, "\(request) cut at \(length)") {
                    try WorkerRequest(type: type, payload: Array(payload[..<length]))
                }
            }
        }
        for reply in Self.replySamples {
            let payload = Self.payload(reply.framed)
            let type = reply.framed[4]
            for length in 0..<payload.count {
                #expect(throws: WireError.self, "\(reply) cut at \(length)") {
                    try WorkerReply(type: type, payload: Array(payload[..<length]))
                }
            }
        }
    }

    @Test("bytes after a valid payload are refused")
    func trailingBytes() {
        for extra in [[0], [0xFF, 0xFF, 0xFF, 0xFF]] as [[UInt8]] {
            for request in Self.requestSamples {
                #expect(throws: WireError.self, "\(request)") {
                    try WorkerRequest(type: request.framed[4], payload: Self.payload(request.framed) + extra)
                }
            }
            for reply in Self.replySamples {
                #expect(throws: WireError.self, "\(reply)") {
                    try WorkerReply(type: reply.framed[4], payload: Self.payload(reply.framed) + extra)
                }
            }
        }
    }

    @Test("a string whose length runs past the end is refused")
    func stringPastTheEnd() {
        let replies: [(UInt8, [UInt8])] = [
            (17, Self.u32(3) + Array("ab".utf8)),
            (17, Self.u32(UInt32.max) + Array("ab".utf8)),
            (17, Self.u32(1 << 31)),
            (18, Self.u32(0) + [0] + Self.u32(1) + Self.u32(1) + Self.u32(10) + Array("{}".utf8)),
            (18, Self.u32(0) + [0] + Self.u32(1) + Self.u32(2) + Self.string("{}")),  // one entry short
            (19, Self.u32(0) + [1] + Self.u32(100) + Array("disk".utf8)),
        ]
        for (type, payload) in replies {
            #expect(throws: WireError.self) { try WorkerReply(type: type, payload: payload) }
        }
        let requests: [(UInt8, [UInt8])] = [
            (2, Self.u32(1) + Self.u32(0) + Self.u32(6) + Array("a.png".utf8)),
            (2, Self.u32(1) + Self.u32(0) + Self.u32(UInt32.max)),
            (2, Self.u32(UInt32.max) + Self.u32(0) + Self.string("a.png")),  // count past the end
            (1, Self.u32(UInt32.max) + Array("in".utf8)),
            (1, Self.jobPayload(plan: [0, 1] + Self.u32(50) + Array("{}".utf8))),
            (1, Self.jobPayload(plan: [1] + Self.u32(1 << 30))),
        ]
        for (type, payload) in requests {
            #expect(throws: WireError.self) { try WorkerRequest(type: type, payload: payload) }
        }
    }

    @Test("a boolean other than 0 or 1, and a string that is not UTF-8, are refused")
    func badBooleansAndStrings() {
        #expect(throws: WireError.self) { try WorkerReply(type: 18, payload: Self.u32(0) + [2] + Self.u32(0) + Self.u32(0)) }
        #expect(throws: WireError.self) { try WorkerReply(type: 19, payload: Self.u32(0) + [0xFF] + Self.string("x")) }
        for bad in [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80]] as [[UInt8]] {
            #expect(throws: WireError.self) { try WorkerReply(type: 17, payload: Self.u32(UInt32(bad.count)) + bad) }
            #expect(throws: WireError.self) {
                try WorkerRequest(type: 2, payload: Self.u32(1) + Self.u32(0) + Self.u32(UInt32(bad.count)) + bad)
            }
        }
    }

    @Test("job fields out of their ranges are refused")
    func badJobFields() throws {
        // The reference payload is accepted, so each refusal below is the one field's doing.
        #expect(throws: Never.self) { try WorkerRequest(type: 1, payload: Self.jobPayload(plan: Self.augmentPlan())) }
        let payloads: [[UInt8]] = [
            Self.jobPayload(maxPixels: 0, plan: Self.augmentPlan()),
            Self.jobPayload(maxPixels: UInt64(Int.max) + 1, plan: Self.augmentPlan()),
            Self.jobPayload(channels: 2, plan: Self.augmentPlan()),
            Self.jobPayload(channels: 5, plan: Self.augmentPlan()),
            Self.jobPayload(level: 10, plan: Self.augmentPlan()),
            Self.jobPayload(strategy: 5, plan: Self.augmentPlan()),
            Self.jobPayload(filter: 0, plan: Self.augmentPlan()),
            Self.jobPayload(filter: 0x18, plan: Self.augmentPlan()),
            Self.jobPayload(resume: 2, plan: Self.augmentPlan()),
            Self.jobPayload(wantsEntries: 2, plan: Self.augmentPlan()),
            Self.jobPayload(plan: [2]),
            Self.jobPayload(plan: []),
            Self.jobPayload(plan: Self.augmentPlan(hasPipeline: 2)),
            Self.jobPayload(plan: Self.augmentPlan(format: 2)),
        ]
        for payload in payloads {
            #expect(throws: WireError.self) { try WorkerRequest(type: 1, payload: payload) }
        }
    }

    @Test("no single-byte change to a valid frame crashes the decoder")
    func mutations() {
        let framed = Self.requestSamples.map { ($0.framed, true) } + Self.replySamples.map { ($0.framed, false) }
        for (bytes, isRequest) in framed {
            for position in bytes.indices {
                for value in [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF] as [UInt8] where bytes[position] != value {
                    var buffer = bytes
                    buffer[position] = value
                    guard let frames = try? WorkerProtocol.takeFrames(from: &buffer) else { continue }
                    for frame in frames {
                        if isRequest {
                            _ = try? WorkerRequest(type: frame.type, payload: frame.payload)
                        } else {
                            _ = try? WorkerReply(type: frame.type, payload: frame.payload)
                        }
                    }
                }
            }
        }
    }

    // MARK: (e) Partial frames

    static let framePairs: [[UInt8]] = [
        WorkerReply.done(index: 3, skipped: false, outputs: 2, entries: ["{\"é\":1}", "{}"]).framed + WorkerReply.ready.framed,
        WorkerReply.ready.framed + WorkerReply.started(index: 4).framed,
        WorkerReply.failed(index: 1, reason: "full", stopsTheRun: true).framed + WorkerReply.refused(reason: "x").framed,
        WorkerRequest.chunk([(0, "a/é.png"), (1, "b.png")]).framed + WorkerRequest.job(jobs[4]).framed,
    ]

    @Test("takeFrames keeps an incomplete frame and takes it once the rest arrives, split anywhere",
          arguments: Self.framePairs)
    func splitAnywhere(bytes: [UInt8]) throws {
        let both = try Self.frames(bytes)
        try #require(both.count == 2)
        let firstEnd = 5 + both[0].payload.count
        for split in 0...bytes.count {
            var buffer = Array(bytes[..<split])
            let early = try WorkerProtocol.takeFrames(from: &buffer).map { Frame(type: $0.type, payload: $0.payload) }
            let taken = split == bytes.count ? 2 : split >= firstEnd ? 1 : 0
            #expect(early == Array(both.prefix(taken)), "split at \(split)")
            #expect(buffer == Array(bytes[(taken == 0 ? 0 : taken == 1 ? firstEnd : bytes.count)..<split]), "split at \(split)")
            buffer += bytes[split...]
            let late = try WorkerProtocol.takeFrames(from: &buffer).map { Frame(type: $0.type, payload: $0.payload) }
            #expect(early + late == both, "split at \(split)")
            #expect(buffer.isEmpty, "split at \(split)")
        }
    }

    @Test("takeFrames fed one byte at a time")
    func byteByByte() throws {
        let bytes = Self.framePairs.joined()
        var buffer: [UInt8] = []
        var taken: [Frame] = []
        for byte in bytes {
            buffer.append(byte)
            taken += try WorkerProtocol.takeFrames(from: &buffer).map { Frame(type: $0.type, payload: $0.payload) }
        }
        #expect(buffer.isEmpty)
        #expect(taken == (try Self.frames(Array(bytes))))
        #expect(taken.count == 8)
    }
}
