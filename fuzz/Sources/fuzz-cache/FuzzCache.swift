@_spi(Fuzzing) import Augment

#if canImport(Glibc)
import Glibc
#endif

/// The image cache reader: the input is written to a file (the reader maps files), opened, and
/// every image looked up by its path and read; whatever the bytes, the reader must refuse them
/// or return images of the sizes its index gives. An input of odd length first has its
/// checksums recomputed, so that mutations reach the index, record and metadata checks behind
/// them (an even one tests the checksums themselves).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCache(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if size % 2 == 1 { bytes = ImageCache.withChecksumsRecomputed(bytes) }
    let path = "/dev/shm/augment-fuzz-cache-\(getpid())"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { return 0 }
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
        if count <= 0 { break }
        written += count
    }
    close(descriptor)
    guard let cache = try? ImageCache(path: path) else { return 0 }
    for index in 0..<cache.count {
        let entry = cache.entry(at: index)
        _ = cache.index(of: entry.path)
        if entry.failure == nil, let image = try? cache.image(at: index) {
            precondition(image.width == entry.width && image.height == entry.height && image.channels == entry.channels)
        }
    }
    _ = try? cache.checkSource()
    _ = try? LabelledDataset(cache: cache)
    return 0
}
