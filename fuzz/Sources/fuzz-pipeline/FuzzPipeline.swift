import Augment

/// The pipeline file parser, JSON or YAML (the first byte chooses, so both grammars are
/// explored from one corpus), then drawing every transform for a small image: what `augment run`
/// does before it reads any image.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeline(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let format: PipelineFileFormat = data[0] & 1 == 0 ? .json : .yaml
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    guard let pipeline = try? Pipeline(parsing: text, format: format) else { return 0 }
    for copy in 0..<4 {
        _ = try? pipeline.draw(seed: 7, path: "a/b.png", copy: copy, size: Size(width: 64, height: 48), channels: 3)
    }
    return 0
}
