/// Why a PNG could not be decoded or encoded.
public enum PNGError: Error, Equatable, Sendable {
    /// The file has no bytes at all.
    case empty
    /// libpng refused the data; `reason` is libpng's own message, such as `IDAT: CRC error`,
    /// `Not a PNG file` or `file is truncated`.
    case invalid(reason: String)
    /// The header declares more pixels than the decoder was allowed to allocate.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The image cannot be written as PNG (libpng's reason, or a layout PNG cannot hold).
    case encodingFailed(reason: String)
    /// Memory for libpng's structures could not be had.
    case outOfMemory
}

extension PNGError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty:
            "file is empty"
        case .invalid(let reason):
            reason
        case .tooManyPixels(let width, let height, let limit):
            "image is \(width)x\(height) = \(width * height) pixels, above the limit of \(limit) (--max-pixels)"
        case .encodingFailed(let reason):
            "cannot encode PNG: \(reason)"
        case .outOfMemory:
            "out of memory"
        }
    }
}
