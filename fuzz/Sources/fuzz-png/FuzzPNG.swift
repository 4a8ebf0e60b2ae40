import Augment

/// PNG decoding through the project's own path (`PNG.header`, `PNG.decode`, with and without
/// channel conversion, and only the leading rows as `augment batches` decodes), under a pixel
/// limit small enough that a hostile header cannot make the fuzzer allocate gigabytes.
///
/// The partial decode is also checked against the whole one: it checks less, so a file that
/// decodes whole must decode partly too, to the same leading rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let options = PNG.DecodingOptions(maxPixels: 4_000_000)
    _ = try? PNG.header(of: bytes, maxPixels: 4_000_000)
    let whole = try? PNG.decode(bytes, options: options)
    if let whole {
        precondition(whole.pixels.count == whole.width * whole.height * whole.channels)
        _ = try? PNG.decode(bytes, options: .init(maxPixels: 4_000_000, channels: 3))
    }
    var rows = 0
    let partial = try? PNG.decode(bytes, options: options, leadingRows: { header in
        rows = [0, 1, header.height / 2][size % 3]
        return rows
    })
    if let whole {
        guard let partial else { preconditionFailure("decodes whole but not its leading \(rows) rows") }
        // An interlaced file is decoded whole either way: comparing the rows asked for holds for both.
        let kept = min(rows, whole.height) * whole.width * whole.channels
        precondition(partial.pixels[..<kept] == whole.pixels[..<kept], "the leading rows differ")
    }
    return 0
}
