/// numpy's `.npz` format: a ZIP archive (PKWARE's APPNOTE.TXT) of `.npy` members, which
/// `np.load` reads as a dict of arrays. Members are STORED (method 0, no compression: batches
/// of augmented pixels barely compress, and storing costs no CPU), each with its CRC-32.
///
/// The output depends only on the members: every entry carries the same DOS date and time,
/// 1980-01-01 00:00 (the earliest a ZIP can express), and no extra fields or comments.
/// ZIP64 is not written, so a member and the whole archive stay below 4 GiB.
public enum NPZArchive {
    /// DOS date 1980-01-01: (year − 1980) << 9 | month << 5 | day.
    static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    /// DOS time 00:00:00.
    static let dosTime: UInt16 = 0
    /// APPNOTE 4.4.3: 2.0 is what Python's `zipfile` writes for stored members.
    static let versionNeeded: UInt16 = 20
    /// The largest size or offset a field holds without ZIP64 (0xFFFFFFFF means "see ZIP64").
    static let largest = Int(UInt32.max) - 1

    /// The archive holding `members` in the order given, named as given (`"images.npy"`; numpy
    /// strips `.npy` to make the key).
    ///
    /// - Complexity: O(total bytes) time; the archive is built in one array.
    /// - Throws: `NPZError` for an empty, over-long or repeated name, more than 65,535 members,
    ///   or a member or archive beyond what 32-bit fields hold (4 GiB − 2 bytes per member and
    ///   offset, 4 GiB − 1 in all).
    public static func archive(_ members: [(name: String, bytes: [UInt8])]) throws(NPZError) -> [UInt8] {
        try archive(members, largest: largest)
    }

    /// `archive(_:)` with a smaller limit than 4 GiB − 2, so tests can reach it.
    static func archive(_ members: [(name: String, bytes: [UInt8])], largest: Int) throws(NPZError) -> [UInt8] {
        guard members.count <= Int(UInt16.max) else {
            throw NPZError("\(members.count) members, more than the 65535 a ZIP without ZIP64 holds")
        }
        var seen: Set<String> = []
        var output: [UInt8] = []
        output.reserveCapacity(members.reduce(22) { $0 + 30 + 46 + 2 * $1.name.utf8.count + $1.bytes.count })
        var central: [UInt8] = []
        for member in members {
            let name = Array(member.name.utf8)
            guard !name.isEmpty, name.count <= Int(UInt16.max) else {
                throw NPZError("member name of \(name.count) bytes; a name has 1 to 65535")
            }
            guard seen.insert(member.name).inserted else { throw NPZError("member \(member.name) is given twice") }
            guard member.bytes.count <= largest else {
                throw NPZError("member \(member.name) has \(member.bytes.count) bytes, more than the \(largest) a ZIP without ZIP64 holds")
            }
            let offset = output.count
            guard offset <= largest else { throw NPZError("member \(member.name) would start at byte \(offset), beyond the \(largest) a ZIP without ZIP64 reaches") }
            let crc = CRC32.checksum(member.bytes)
            // APPNOTE 4.4.4 bit 11: the name is UTF-8. Set only when it is not plain ASCII, as zipfile does.
            let flags: UInt16 = name.allSatisfy { $0 < 0x80 } ? 0 : 1 << 11
            // Local file header (APPNOTE 4.3.7).
            output.append32(0x0403_4b50)
            output.append16(versionNeeded); output.append16(flags); output.append16(0)  // method 0: stored
            output.append16(dosTime); output.append16(dosDate)
            output.append32(crc); output.append32(UInt32(member.bytes.count)); output.append32(UInt32(member.bytes.count))
            output.append16(UInt16(name.count)); output.append16(0)  // no extra field
            output += name
            output += member.bytes
            // Central directory header (APPNOTE 4.3.12).
            central.append32(0x0201_4b50)
            central.append16(versionNeeded); central.append16(versionNeeded)  // made by: MS-DOS host, 2.0
            central.append16(flags); central.append16(0)
            central.append16(dosTime); central.append16(dosDate)
            central.append32(crc); central.append32(UInt32(member.bytes.count)); central.append32(UInt32(member.bytes.count))
            central.append16(UInt16(name.count)); central.append16(0); central.append16(0)  // extra, comment
            central.append16(0); central.append16(0); central.append32(0)  // disk, internal and external attributes
            central.append32(UInt32(offset))
            central += name
        }
        let centralOffset = output.count
        guard centralOffset <= largest, centralOffset + central.count + 22 <= largest + 1 else {
            throw NPZError("the archive would be \(centralOffset + central.count + 22) bytes, more than the \(largest + 1) a ZIP without ZIP64 holds")
        }
        output += central
        // End of central directory record (APPNOTE 4.3.16).
        output.append32(0x0605_4b50)
        output.append16(0); output.append16(0)  // this disk, the disk the directory starts on
        output.append16(UInt16(members.count)); output.append16(UInt16(members.count))
        output.append32(UInt32(central.count)); output.append32(UInt32(centralOffset))
        output.append16(0)  // no comment
        return output
    }
}

/// An archive that cannot be written.
public struct NPZError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { "cannot write .npz archive: \(reason)" }
}

extension [UInt8] {
    /// Appends `value` little-endian, as every ZIP field is.
    mutating func append16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value)); append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
