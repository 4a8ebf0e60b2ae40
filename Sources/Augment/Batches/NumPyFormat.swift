/// NumPy's `.npy` format (`numpy.lib.format`, NEP 1): a header describing one array, then the
/// array's raw bytes. Any language can read it; numpy's `np.load` does.
///
/// The header is the magic `\x93NUMPY`, the format version (1.0, or 2.0 when the description
/// does not fit in 65,535 bytes), the description's length (little-endian `u16` for 1.0, `u32`
/// for 2.0), then the description, a Python dict literal as numpy writes it
/// (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`), padded with spaces and ended
/// by `\n` so that the data starts at a multiple of 64 bytes. (Recent numpy also pads with spare
/// spaces so the first axis can grow in place; that is optional and not done here.)
public enum NumPyFormat {
    /// The element types the batches use, all little-endian as the data is written.
    public enum DType: Sendable, Equatable {
        case uint8, int64, float32

        /// numpy's type string: `|u1` (byte order not applicable), `<i8`, `<f4`.
        public var descr: String {
            switch self {
            case .uint8: "|u1"
            case .int64: "<i8"
            case .float32: "<f4"
            }
        }

        /// Bytes per element.
        public var itemSize: Int {
            switch self {
            case .uint8: 1
            case .int64: 8
            case .float32: 4
            }
        }
    }

    /// The magic string every `.npy` file starts with.
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Data starts at a multiple of this, so that a memory-mapped array is aligned.
    public static let alignment = 64

    /// The complete header for an array of `dtype` and `shape` (C order unless `fortranOrder`):
    /// version 1.0 unless the description needs 2.0's larger length field.
    ///
    /// - Complexity: O(shape.count).
    public static func header(dtype: DType, shape: [Int], fortranOrder: Bool = false) -> [UInt8] {
        precondition(shape.allSatisfy { $0 >= 0 }, "array dimensions are non-negative, not \(shape)")
        // Python's repr of a tuple: `()`, `(5,)`, `(2, 3)`.
        let dimensions = shape.map(String.init)
        let tuple = shape.count == 1 ? "(\(dimensions[0]),)" : "(" + dimensions.joined(separator: ", ") + ")"
        let dict = "{'descr': '\(dtype.descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
        let text = Array(dict.utf8)
        // As numpy's `_wrap_header`: the newline counts in the length, and the padding is 1 to 64
        // spaces (64 when the unpadded header happens to end on a boundary).
        for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let prefix = magic.count + 2 + lengthBytes
            let padding = alignment - (prefix + text.count + 1) % alignment
            let length = text.count + padding + 1
            if lengthBytes == 2 && length > Int(UInt16.max) { continue }
            var header = magic + [major, 0]
            header.reserveCapacity(prefix + length)
            for shift in stride(from: 0, to: lengthBytes * 8, by: 8) {
                header.append(UInt8(truncatingIfNeeded: length >> shift))
            }
            header += text
            header += repeatElement(UInt8(ascii: " "), count: padding)
            header.append(UInt8(ascii: "\n"))
            return header
        }
        preconditionFailure("a header always fits version 2.0")
    }

    /// A whole `.npy` file: `header(dtype:shape:)` followed by `data`, the array's elements in C
    /// order, already in little-endian byte order (see `littleEndianBytes(_:)`).
    ///
    /// - Complexity: O(data.count).
    public static func array(dtype: DType, shape: [Int], data: [UInt8]) -> [UInt8] {
        let count = shape.reduce(1, *)
        precondition(data.count == count * dtype.itemSize,
                     "\(data.count) bytes of data for shape \(shape) of \(dtype.descr), not \(count * dtype.itemSize)")
        return header(dtype: dtype, shape: shape) + data
    }

    /// The bytes of `values` as `<i8`: each value's 8 bytes, least significant first.
    ///
    /// - Complexity: O(values.count).
    public static func littleEndianBytes(_ values: [Int64]) -> [UInt8] {
        // On a little-endian machine (every platform Swift runs on today) the memory is the format.
        if isLittleEndianHost { return values.withUnsafeBytes { Array($0) } }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values {
            let bits = UInt64(bitPattern: value)
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        }
        return bytes
    }

    /// The bytes of `values` as `<f4`: each IEEE 754 binary32 bit pattern, least significant
    /// byte first.
    ///
    /// - Complexity: O(values.count).
    public static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        if isLittleEndianHost { return values.withUnsafeBytes { Array($0) } }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        }
        return bytes
    }

    /// True on a little-endian machine.
    static let isLittleEndianHost = UInt16(1).littleEndian == 1
}
