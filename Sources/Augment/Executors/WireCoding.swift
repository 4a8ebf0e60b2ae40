/// The primitive encodings of the worker protocol (docs/worker-protocol.md): little-endian
/// fixed-width integers and length-prefixed UTF-8 strings.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) { for shift in stride(from: 0, to: 16, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt16(shift))) } }

    mutating func u32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }

    mutating func u64(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }

    /// u32 byte count, then the UTF-8 bytes.
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(UInt32(utf8.count))
        bytes += utf8
    }

    mutating func raw(_ value: [UInt8]) { bytes += value }
}

/// A worker-protocol message that does not follow the protocol, or a job description that
/// does not describe a job.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Reads what `WireWriter` wrote, refusing anything short or malformed.
struct WireReader {
    private let bytes: [UInt8]
    private var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws(WireError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else { throw WireError(reason: "message ends early") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    private mutating func integer(_ width: Int) throws(WireError) -> UInt64 {
        try take(width).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func u8() throws(WireError) -> UInt8 { UInt8(try integer(1)) }
    mutating func u16() throws(WireError) -> UInt16 { UInt16(try integer(2)) }
    mutating func u32() throws(WireError) -> UInt32 { UInt32(try integer(4)) }
    mutating func u64() throws(WireError) -> UInt64 { try integer(8) }

    mutating func string() throws(WireError) -> String {
        let count = Int(try u32())
        guard let value = String(validating: try take(count), as: UTF8.self) else {
            throw WireError(reason: "a string is not UTF-8")
        }
        return value
    }

    mutating func bool() throws(WireError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw WireError(reason: "\(other) is not a boolean")
        }
    }

    func expectEnd() throws(WireError) {
        if !isAtEnd { throw WireError(reason: "\(bytes.count - offset) bytes left over at the end of a message") }
    }
}
