import Augment

/// PNG decoding through the project's own path (`PNG.header`, `PNG.decode`, with and without
/// channel conversion), under a pixel limit small enough that a hostile header cannot make the
/// fuzzer allocate gigabytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? PNG.header(of: bytes, maxPixels: 4_000_000)
    if let image = try? PNG.decode(bytes, options: .init(maxPixels: 4_000_000)) {
        precondition(image.pixels.count == image.width * image.height * image.channels)
        _ = try? PNG.decode(bytes, options: .init(maxPixels: 4_000_000, channels: 3))
    }
    return 0
}
