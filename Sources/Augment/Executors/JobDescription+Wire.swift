/// The job message's payload (docs/worker-protocol.md, "job").
extension JobDescription {
    func write(to writer: inout WireWriter) {
        writer.string(input)
        writer.string(output)
        writer.u64(UInt64(options.decoding.maxPixels))
        writer.u8(UInt8(options.decoding.channels ?? 0))
        writer.u8(UInt8(options.compression.level))
        writer.u8(UInt8(options.compression.strategy.rawValue))
        writer.u8(UInt8(options.compression.filter.rawValue))
        writer.u8(options.compression.encoder.rawValue)
        writer.u8(options.resume ? 1 : 0)
        writer.u8(wantsEntries ? 1 : 0)
        switch source {
        case .augment(let text, let format, let seed, let copies):
            writer.u8(0)
            writer.u8(text == nil ? 0 : 1)
            writer.string(text ?? "")
            writer.u8(format == .json ? 0 : 1)
            writer.u64(seed)
            writer.u32(UInt32(copies))
        case .replay(let text):
            writer.u8(1)
            writer.string(text)
        }
    }

    init(reading reader: inout WireReader) throws(WireError) {
        let input = try reader.string(), output = try reader.string()
        let maxPixels = try reader.u64()
        let channels = try reader.u8()
        guard maxPixels > 0, maxPixels <= UInt64(Int.max), [0, 1, 3, 4].contains(channels) else {
            throw WireError(reason: "bad decoding options")
        }
        let level = Int(try reader.u8())
        guard (0...9).contains(level),
              let strategy = PNG.Compression.Strategy(rawValue: Int32(try reader.u8())),
              let filter = PNG.Compression.Filter(rawValue: Int32(try reader.u8())),
              let encoder = PNG.Compression.Encoder(rawValue: try reader.u8()) else {
            throw WireError(reason: "bad compression")
        }
        // The built-in encoder has one setting, `.fast`; the zlib fields only describe it.
        let compression = encoder == .builtIn ? PNG.Compression.fast
            : PNG.Compression(level: level, strategy: strategy, filter: filter)
        let resume = try reader.bool()
        let wantsEntries = try reader.bool()
        let options = FolderJob.Options(decoding: .init(maxPixels: Int(maxPixels), channels: channels == 0 ? nil : Int(channels)),
                                        compression: compression,
                                        resume: resume)
        let source: Source
        switch try reader.u8() {
        case 0:
            let hasText = try reader.bool()
            let text = try reader.string()
            let format: PipelineFileFormat = try reader.bool() ? .yaml : .json
            let seed = try reader.u64()
            let copies = Int(try reader.u32())
            source = .augment(pipelineText: hasText ? text : nil, format: format, seed: seed, copies: copies)
        case 1:
            source = .replay(manifestText: try reader.string())
        case let other:
            throw WireError(reason: "unknown plan kind \(other)")
        }
        self.init(input: input, output: output, options: options, source: source, wantsEntries: wantsEntries)
    }
}
