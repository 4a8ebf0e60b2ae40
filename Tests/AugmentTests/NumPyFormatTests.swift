import Foundation
import Testing
@testable import Augment

/// `.npy` headers and arrays: bytes worked out by hand from the format's definition, and numpy
/// itself reading what the library writes.
@Suite("NumPy format")
struct NumPyFormatTests {
    /// `\x93NUMPY`, then version major and minor.
    static let magicV1: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]

    @Test("a 4-d uint8 header: the dict as numpy words it, padded to 128 bytes")
    func uint8Header() {
        let dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 224, 224, 3), }"
        // 10 bytes of prefix + 69 of dict + 1 newline = 80; the next multiple of 64 is 128, so
        // 48 spaces, and the length field says 128 - 10 = 118 = 0x76.
        let expected = Self.magicV1 + [0x76, 0x00] + Array(dict.utf8) + [UInt8](repeating: 0x20, count: 48) + [0x0A]
        #expect(NumPyFormat.header(dtype: .uint8, shape: [3, 224, 224, 3]) == expected)
        #expect(expected.count == 128)
    }

    @Test("a 1-d int64 header writes (5,), a 0-d float32 header writes ()")
    func oneAndZeroDimensions() {
        let oneD = "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"  // 57 bytes: 68 → 128, 60 spaces
        #expect(NumPyFormat.header(dtype: .int64, shape: [5])
            == Self.magicV1 + [118, 0] + Array(oneD.utf8) + [UInt8](repeating: 0x20, count: 60) + [0x0A])
        let zeroD = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }"  // 55 bytes: 66 → 128, 62 spaces
        #expect(NumPyFormat.header(dtype: .float32, shape: [])
            == Self.magicV1 + [118, 0] + Array(zeroD.utf8) + [UInt8](repeating: 0x20, count: 62) + [0x0A])
    }

    @Test("a header that would end on a 64-byte boundary unpadded gets 64 spaces, as numpy's _wrap_header")
    func fullPadding() {
        // The dict without its tuple is 53 bytes; "(a, b, c, d)" with four 14-digit numbers is
        // 8 + 56 = 64; 10 + 53 + 64 + 1 = 128 already aligned, so 64 spaces: 192 bytes in all,
        // and the length field says 182 = 0xB6.
        let n = 10_000_000_000_000
        let header = NumPyFormat.header(dtype: .uint8, shape: [n, n, n, n])
        let dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(n), \(n), \(n), \(n)), }"
        #expect(header == Self.magicV1 + [0xB6, 0] + Array(dict.utf8) + [UInt8](repeating: 0x20, count: 64) + [0x0A])
        // And for any shape: padding 1 to 64 spaces, ending in a newline on a multiple of 64.
        for dims in 0...30 {
            let header = NumPyFormat.header(dtype: .uint8, shape: [Int](repeating: 7, count: dims))
            let spaces = header.count - 1 - (header.lastIndex(of: UInt8(ascii: "}"))! + 1)
            #expect(header.count % 64 == 0 && header.last == 0x0A && (1...64).contains(spaces), "\(dims) dims")
        }
    }

    @Test("a description beyond 65535 bytes switches to version 2.0 with a 4-byte length")
    func version2() {
        let shape = [Int](repeating: 1, count: 22_000)  // "1, " each: about 66,000 bytes of dict
        let header = NumPyFormat.header(dtype: .float32, shape: shape)
        #expect(Array(header[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
        let length = header[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length == header.count - 12)
        #expect(header.count % 64 == 0 && header.last == 0x0A)
        #expect(length > 65535)
        // Just below the limit stays 1.0.
        #expect(NumPyFormat.header(dtype: .float32, shape: [Int](repeating: 1, count: 21_000))[6] == 1)
    }

    @Test("little-endian bytes of Int64 and Float by hand")
    func littleEndian() {
        #expect(NumPyFormat.littleEndianBytes([Int64(1), -2, 0x0102_0304_0506_0708])
            == [1, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 8, 7, 6, 5, 4, 3, 2, 1])
        // 1.0 = 0x3F800000, -2.5 = 0xC0200000.
        #expect(NumPyFormat.littleEndianBytes([Float(1), -2.5]) == [0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0])
        #expect(NumPyFormat.array(dtype: .int64, shape: [1], data: NumPyFormat.littleEndianBytes([Int64(7)])).suffix(8)
            == [7, 0, 0, 0, 0, 0, 0, 0])
    }

    /// The arrays the numpy cross-checks write, and the Python expression each must equal.
    static let samples: [(name: String, bytes: [UInt8], check: String)] = [
        ("u8", NumPyFormat.array(dtype: .uint8, shape: [2, 3, 4], data: (0..<24).map { UInt8($0) }),
         "a.dtype == np.uint8 and a.shape == (2, 3, 4) and a.ravel().tolist() == list(range(24))"),
        ("i8", NumPyFormat.array(dtype: .int64, shape: [5], data: NumPyFormat.littleEndianBytes([0, -1, .max, .min, 42])),
         "a.dtype == np.int64 and a.shape == (5,) and a.tolist() == [0, -1, 2**63 - 1, -2**63, 42]"),
        ("f4", NumPyFormat.array(dtype: .float32, shape: [2, 2], data: NumPyFormat.littleEndianBytes([1, -2.5, 0.1, .infinity])),
         "a.dtype == np.float32 and a.shape == (2, 2) and a.ravel().tolist() == [1.0, -2.5, float(np.float32(0.1)), float('inf')]"),
        ("scalar", NumPyFormat.array(dtype: .float32, shape: [], data: NumPyFormat.littleEndianBytes([3.5])),
         "a.dtype == np.float32 and a.shape == () and float(a) == 3.5"),
        ("empty", NumPyFormat.array(dtype: .int64, shape: [0, 3], data: []),
         "a.dtype == np.int64 and a.shape == (0, 3)"),
    ]

    @Test("numpy's np.load reads each array with its dtype, shape and values",
          .enabled(if: PythonNumPy.isAvailable, Comment(rawValue: PythonNumPy.absentNote)))
    func numpyLoads() throws {
        let folder = try TestData.makeTemporaryFolder("npy")
        defer { try? FileManager.default.removeItem(at: folder) }
        var script = "import sys, numpy as np\nfolder = sys.argv[1]\n"
        for sample in Self.samples {
            try Data(sample.bytes).write(to: folder.appendingPathComponent(sample.name + ".npy"))
            script += "a = np.load(folder + '/\(sample.name).npy')\nprint('\(sample.name)', bool(\(sample.check)))\n"
        }
        let result = try PythonNumPy.run(script, arguments: [folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == Self.samples.map { "\($0.name) True\n" }.joined())
    }

    @Test("arrays back to back read from a non-seekable stream with read_magic and the header reader, as the loader does",
          .enabled(if: PythonNumPy.isAvailable, Comment(rawValue: PythonNumPy.absentNote)))
    func numpyReadsStream() throws {
        let folder = try TestData.makeTemporaryFolder("npy-stream")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stream = Self.samples.flatMap(\.bytes)
        try Data(stream).write(to: folder.appendingPathComponent("stream"))
        let checks = Self.samples.map { "(\"\($0.name)\", lambda a: \($0.check))" }.joined(separator: ", ")
        let script = """
            import sys, numpy as np, numpy.lib.format as fmt
            class Pipe:  # no seek, no fileno: like a pipe
                def __init__(self, f): self.f = f
                def read(self, n): return self.f.read(n)
            s = Pipe(open(sys.argv[1], 'rb'))
            for name, check in [\(checks)]:
                version = fmt.read_magic(s)
                shape, fortran, dtype = (fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0)(s)
                count = int(np.prod(shape))
                a = np.frombuffer(s.read(count * dtype.itemsize), dtype=dtype).reshape(shape)
                print(name, version, bool(check(a)))
            print('end', s.read(1) == b'')
            """
        let result = try PythonNumPy.run(script, arguments: [folder.appendingPathComponent("stream").path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == Self.samples.map { "\($0.name) (1, 0) True\n" }.joined() + "end True\n")
    }
}
