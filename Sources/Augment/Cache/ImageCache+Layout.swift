/// The binary layout of an image cache file (format version 1), as `docs/cache-format.md`
/// documents it. Every integer is little-endian.
///
/// ```
/// [0, 4096)           header (128 bytes used, the rest zero)
/// [4096, indexOffset) the images: each one contiguous range of interleaved 8-bit pixels,
///                     row by row, starting at a multiple of 64 bytes
/// [indexOffset, end)  the catalog: the index (count records of 64 bytes, sorted by path),
///                     the names (the paths' UTF-8 bytes back to back), the metadata (UTF-8 JSON)
/// ```
/// The header is written last, after every other byte, and the file is renamed into place only
/// then: a file with a valid header is complete.
extension ImageCache {
    enum Layout {
        static let magic: [UInt8] = Array("AUGCACHE".utf8)
        static let formatVersion: UInt32 = 1
        /// The header's room: the images start on a page boundary.
        static let headerSize = 4096
        /// The header's bytes covered by its own checksum, which follows them.
        static let headerChecksummed = 120
        static let recordSize = 64
        /// Images start at multiples of this, so that SIMD loads never straddle a cache line
        /// at an image's first byte.
        static let imageAlignment = 64

        /// The header's fields.
        struct Header: Equatable {
            var count: UInt64
            var indexOffset: UInt64
            var namesOffset: UInt64
            var namesLength: UInt64
            var metadataOffset: UInt64
            var metadataLength: UInt64
            var fileLength: UInt64
            var catalogChecksum: UInt64

            /// The 128 bytes: magic, version, header size, the fields, 40 zero bytes, and the
            /// XXH64 of the 120 bytes before it.
            var bytes: [UInt8] {
                var writer = WireWriter()
                writer.raw(magic)
                writer.u32(formatVersion)
                writer.u32(UInt32(headerSize))
                for field in [count, indexOffset, namesOffset, namesLength, metadataOffset, metadataLength,
                              fileLength, catalogChecksum] {
                    writer.u64(field)
                }
                writer.raw([UInt8](repeating: 0, count: headerChecksummed - writer.bytes.count))
                writer.u64(XXHash64.hash(writer.bytes))
                return writer.bytes
            }
        }

        /// One index record: where an image's pixels are and what they are.
        struct Record: Equatable {
            enum Status: UInt8 { case decoded = 0, failed = 1 }

            var dataOffset: UInt64
            var width: UInt32
            var height: UInt32
            var channels: UInt8
            var status: Status
            /// -1 for an image without a class.
            var label: Int32
            /// XXH64 of the pixels.
            var checksum: UInt64
            var pathOffset: UInt64
            var pathLength: UInt32
            /// The source file's size and modification time (ns since the epoch) when it was read.
            var sourceSize: UInt64
            var sourceModified: Int64

            /// The pixels' length; only for a record that `fits(before:)`.
            var dataLength: Int { Int(width) * Int(height) * Int(channels) }

            /// True when the pixels end at or before `end`, with no overflow on the way.
            func fits(before end: UInt64) -> Bool {
                let (area, overflow) = UInt64(width).multipliedReportingOverflow(by: UInt64(height))
                let (bytes, overflow2) = area.multipliedReportingOverflow(by: UInt64(channels))
                let (last, overflow3) = dataOffset.addingReportingOverflow(bytes)
                return !overflow && !overflow2 && !overflow3 && last <= end
            }

            /// Offsets: 0 data offset u64, 8 width u32, 12 height u32, 16 channels u8, 17 status
            /// u8, 18 zero u16, 20 label i32, 24 checksum u64, 32 path offset u64, 40 path length
            /// u32, 44 zero u32, 48 source size u64, 56 source mtime i64.
            func write(to writer: inout WireWriter) {
                writer.u64(dataOffset)
                writer.u32(width)
                writer.u32(height)
                writer.u8(channels)
                writer.u8(status.rawValue)
                writer.u16(0)
                writer.u32(UInt32(bitPattern: label))
                writer.u64(checksum)
                writer.u64(pathOffset)
                writer.u32(pathLength)
                writer.u32(0)
                writer.u64(sourceSize)
                writer.u64(UInt64(bitPattern: sourceModified))
            }

            /// Reads the record at `base`.
            init?(at base: UnsafeRawPointer) {
                func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
                func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
                guard let status = Status(rawValue: base.load(fromByteOffset: 17, as: UInt8.self)) else { return nil }
                self.init(dataOffset: u64(0), width: u32(8), height: u32(12), channels: base.load(fromByteOffset: 16, as: UInt8.self),
                          status: status, label: Int32(bitPattern: u32(20)), checksum: u64(24), pathOffset: u64(32),
                          pathLength: u32(40), sourceSize: u64(48), sourceModified: Int64(bitPattern: u64(56)))
            }

            init(dataOffset: UInt64, width: UInt32, height: UInt32, channels: UInt8, status: Status, label: Int32,
                 checksum: UInt64, pathOffset: UInt64, pathLength: UInt32, sourceSize: UInt64, sourceModified: Int64) {
                self.dataOffset = dataOffset
                self.width = width
                self.height = height
                self.channels = channels
                self.status = status
                self.label = label
                self.checksum = checksum
                self.pathOffset = pathOffset
                self.pathLength = pathLength
                self.sourceSize = sourceSize
                self.sourceModified = sourceModified
            }
        }
    }
}
