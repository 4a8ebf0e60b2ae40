import CZlib
import Foundation
import Testing
@testable import Augment

/// `.npz` archives: the ZIP structure at offsets worked out by hand from APPNOTE, the CRC against
/// its check value and zlib, and numpy and Python's zipfile reading the result.
@Suite("NPZ archive")
struct NPZArchiveTests {
    static func u16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> Int { u16(bytes, at) | u16(bytes, at + 2) << 16 }

    /// zlib's CRC-32, the reference.
    static func zlibCRC(_ bytes: [UInt8]) -> Int {
        Int(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
    }

    @Test("two members: every signature, size, CRC and offset where APPNOTE puts it")
    func structure() throws {
        let first: [UInt8] = [1, 2, 3]
        let archive = try NPZArchive.archive([(name: "a.npy", bytes: first), (name: "bc.npy", bytes: [])])
        // Local header 1 at 0 (30 + 5 name + 3 data = 38); local header 2 at 38 (30 + 6 + 0 = 36);
        // central directory at 74: entries of 46 + 5 and 46 + 6 = 103 bytes; end record at 177,
        // 22 bytes: 199 in all.
        #expect(archive.count == 199)
        #expect(Self.u32(archive, 0) == 0x0403_4B50 && Self.u32(archive, 38) == 0x0403_4B50)
        #expect(Self.u32(archive, 74) == 0x0201_4B50 && Self.u32(archive, 74 + 51) == 0x0201_4B50)
        #expect(Self.u32(archive, 177) == 0x0605_4B50)
        // Local header 1: method 0 at 8, time 0 and date 0x0021 (1980-01-01) at 10 and 12, CRC at
        // 14, both sizes 3 at 18 and 22, name length 5 at 26, no extra field, then name and data.
        #expect(Self.u16(archive, 8) == 0 && Self.u16(archive, 10) == 0 && Self.u16(archive, 12) == 0x0021)
        #expect(Self.u32(archive, 14) == Self.zlibCRC(first))
        #expect(Self.u32(archive, 18) == 3 && Self.u32(archive, 22) == 3 && Self.u16(archive, 26) == 5 && Self.u16(archive, 28) == 0)
        #expect(Array(archive[30..<35]) == Array("a.npy".utf8) && Array(archive[35..<38]) == first)
        #expect(Self.u32(archive, 38 + 14) == 0 && Self.u32(archive, 38 + 18) == 0)  // empty member: CRC 0, size 0
        // Central entries: CRC at 16, sizes at 20 and 24, name length at 28, local header offset at 42.
        #expect(Self.u32(archive, 74 + 16) == Self.zlibCRC(first) && Self.u32(archive, 74 + 20) == 3)
        #expect(Self.u16(archive, 74 + 28) == 5 && Self.u32(archive, 74 + 42) == 0)
        #expect(Self.u32(archive, 125 + 42) == 38 && Array(archive[(125 + 46)..<(125 + 52)]) == Array("bc.npy".utf8))
        // End record: 2 entries (on this disk, in all), directory of 103 bytes at 74, no comment.
        #expect(Self.u16(archive, 177 + 8) == 2 && Self.u16(archive, 177 + 10) == 2)
        #expect(Self.u32(archive, 177 + 12) == 103 && Self.u32(archive, 177 + 16) == 74 && Self.u16(archive, 177 + 20) == 0)
    }

    @Test("the same members give the same bytes; an empty archive is its 22-byte end record")
    func deterministic() throws {
        let members = [(name: "x.npy", bytes: [UInt8](repeating: 9, count: 1000))]
        #expect(try NPZArchive.archive(members) == NPZArchive.archive(members))
        #expect(try NPZArchive.archive([]) == [0x50, 0x4B, 5, 6] + [UInt8](repeating: 0, count: 18))
    }

    @Test("refused: a repeated or empty name, a member or archive beyond the 32-bit limit")
    func refusals() {
        #expect(throws: NPZError("member a.npy is given twice")) {
            try NPZArchive.archive([(name: "a.npy", bytes: []), (name: "a.npy", bytes: [1])])
        }
        #expect(throws: NPZError.self) { try NPZArchive.archive([(name: "", bytes: [])]) }
        // The real limit (4 GiB − 2) is too large for a test to allocate; a lowered one takes the same paths.
        #expect(throws: NPZError("member big.npy has 101 bytes, more than the 100 a ZIP without ZIP64 holds")) {
            try NPZArchive.archive([(name: "big.npy", bytes: [UInt8](repeating: 0, count: 101))], largest: 100)
        }
        // 30 + 5 + 20 = 55 bytes of local entry, 46 + 5 of directory, 22 of end record: 128 in all,
        // which fits a limit of 127 per field (128 bytes in all) but not one of 126.
        let member = [(name: "a.npy", bytes: [UInt8](repeating: 0, count: 20))]
        #expect((try? NPZArchive.archive(member, largest: 127))?.count == 128)
        #expect(throws: NPZError("the archive would be 128 bytes, more than the 127 a ZIP without ZIP64 holds")) {
            try NPZArchive.archive(member, largest: 126)
        }
        #expect(NPZError("x").description == "cannot write .npz archive: x")
    }

    @Test("numpy's np.load reads the arrays, and zipfile's CRC check passes",
          .enabled(if: PythonNumPy.isAvailable, Comment(rawValue: PythonNumPy.absentNote)))
    func numpyLoads() throws {
        let folder = try TestData.makeTemporaryFolder("npz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = NumPyFormat.array(dtype: .uint8, shape: [2, 3, 3, 1], data: (0..<18).map { UInt8($0 * 10) })
        let labels = NumPyFormat.array(dtype: .int64, shape: [2], data: NumPyFormat.littleEndianBytes([Int64(4), 7]))
        let place = NumPyFormat.array(dtype: .int64, shape: [2], data: NumPyFormat.littleEndianBytes([Int64(1), 0]))
        let url = folder.appendingPathComponent("batch.npz")
        try Data(NPZArchive.archive([(name: "images.npy", bytes: images), (name: "labels.npy", bytes: labels),
                                     (name: "place.npy", bytes: place)])).write(to: url)
        let script = """
            import sys, zipfile, numpy as np
            print(zipfile.ZipFile(sys.argv[1]).testzip())
            z = np.load(sys.argv[1])
            print(sorted(z.files))
            print(z['images'].dtype, z['images'].shape, z['images'].ravel().tolist() == [10 * i for i in range(18)])
            print(z['labels'].dtype, z['labels'].tolist(), z['place'].tolist())
            """
        let result = try PythonNumPy.run(script, arguments: [url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == """
            None
            ['images', 'labels', 'place']
            uint8 (2, 3, 3, 1) True
            int64 [4, 7] [1, 0]

            """)
    }
}
