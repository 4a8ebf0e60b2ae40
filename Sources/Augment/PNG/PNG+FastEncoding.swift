extension PNG {
    /// The encoder behind `Compression.fast`: PNG chunks, row filters and DEFLATE written here,
    /// in the manner of fpnge and fpng, without libpng or zlib.
    ///
    /// Rows are filtered (see `Options.filters`) into blocks of about `Options.blockBytes`;
    /// each block is compressed by `ZeroRunDeflater` (literals with per-block Huffman codes, runs of
    /// zero bytes as distance-1 matches, stored when that is smaller) while it is in cache. One
    /// zlib stream, in one IDAT chunk unless it is longer than a chunk may be.
    enum FastEncoder {
        struct Options: Sendable, Equatable {
            /// How each row's filter is chosen.
            var filters: PNGRowFilter.Choice = .perRow([.sub, .up, .average, .paeth])
            /// Filtered bytes per DEFLATE block (whole rows, at least one). Measured: 128 KB is
            /// 5% faster than 64 KB (half the blocks, each with codes to build) for files
            /// 0.0-0.15% larger; 256 KB, another 3% faster for 0.1-0.5% larger files.
            var blockBytes = 1 << 17
            /// The longest IDAT chunk written (PNG allows 2^31 - 1 bytes); tests lower it.
            var maximumChunkLength = Int(Int32.max)
        }

        static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

        /// Encodes an 8-bit image of 1-4 channels as a non-interlaced PNG.
        ///
        /// - Complexity: O(pixels): each row is filtered once per candidate filter, then each
        ///   block is read twice by the deflater and once for Adler-32; the output once for CRC-32.
        ///   Memory: the output (allocated at its worst-case size, a stored stream's) and one
        ///   block of filtered rows.
        /// - Precondition: a width and height of 1 to 2^31 - 1.
        static func encode(_ image: Image, options: Options = Options()) -> [UInt8] {
            precondition(image.width > 0 && image.height > 0 && image.width <= Int(Int32.max)
                         && image.height <= Int(Int32.max), "a PNG cannot be \(image.width)x\(image.height)")
            precondition(options.maximumChunkLength >= 1 && options.maximumChunkLength <= Int(Int32.max))
            let rowBytes = image.width * image.channels
            let filteredRowBytes = rowBytes + 1
            let rowsPerBlock = max(1, min(image.height, options.blockBytes / filteredRowBytes))
            let blockCount = (image.height + rowsPerBlock - 1) / rowsPerBlock
            let filteredBytes = filteredRowBytes * image.height
            let zlibBound = Deflate.zlibHeader.count
                + ZeroRunDeflater.bound(count: filteredBytes, blocks: blockCount) + 4
            let chunkBound = (zlibBound + options.maximumChunkLength - 1) / options.maximumChunkLength
            let capacity = signature.count + 25 + 12 * chunkBound + zlibBound + 12 + DeflateBitWriter.slack

            return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
                let start = buffer.baseAddress!
                var offset = 0
                func append(_ bytes: [UInt8]) {
                    for byte in bytes { start[offset] = byte; offset += 1 }
                }
                append(signature)
                writeChunk(type: "IHDR", data: headerData(of: image), at: start, offset: &offset)
                let idatStart = offset
                offset += 8  // length and type, written once the data's length is known
                append(Deflate.zlibHeader)

                var writer = DeflateBitWriter(start: start + offset)
                let adler = image.pixels.withUnsafeBufferPointer { pixels in
                    compress(pixels.baseAddress!, image: image, rowsPerBlock: rowsPerBlock, options: options,
                             into: &writer)
                }
                writer.alignToByte()
                offset += writer.byteCount
                append([UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)])

                let dataLength = offset - idatStart - 8
                offset = splitIntoChunks(type: "IDAT", dataLength: dataLength, at: start, chunkStart: idatStart,
                                         maximumLength: options.maximumChunkLength)
                writeChunk(type: "IEND", data: [], at: start, offset: &offset)
                precondition(offset <= capacity - DeflateBitWriter.slack, "the PNG outgrew its bound")
                initializedCount = offset
            }
        }

        /// Filters and compresses every row; returns the Adler-32 of the filtered bytes.
        private static func compress(_ pixels: UnsafePointer<UInt8>, image: Image, rowsPerBlock: Int, options: Options,
                                     into writer: inout DeflateBitWriter) -> UInt32 {
            let rowBytes = image.width * image.channels
            let filteredRowBytes = rowBytes + 1
            let chooser = PNGRowFilter.Chooser(choice: options.filters, rowBytes: rowBytes,
                                               bytesPerPixel: image.channels)
            let deflater = ZeroRunDeflater()
            let block = UnsafeMutablePointer<UInt8>.allocate(capacity: rowsPerBlock * filteredRowBytes)
            defer { block.deallocate() }
            // The row above the first.
            let zeros = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
            zeros.initialize(repeating: 0, count: rowBytes)
            defer { zeros.deallocate() }

            var adler: UInt32 = 1
            var firstRow = 0
            while firstRow < image.height {
                let rows = min(rowsPerBlock, image.height - firstRow)
                for index in 0..<rows {
                    let y = firstRow + index
                    let above = y == 0 ? UnsafePointer(zeros) : pixels + (y - 1) * rowBytes
                    chooser.filter(row: pixels + y * rowBytes, previous: above, into: block + index * filteredRowBytes)
                }
                let count = rows * filteredRowBytes
                adler = Adler32.update(adler, block, count: count)
                firstRow += rows
                deflater.compress(block, count: count, isFinal: firstRow == image.height, into: &writer)
            }
            return adler
        }

        /// IHDR's 13 bytes: size, bit depth 8, the colour type for the channel count, and
        /// compression, filter and interlace methods 0.
        static func headerData(of image: Image) -> [UInt8] {
            let colourTypes: [UInt8] = [0, 4, 2, 6]  // grey, grey + alpha, RGB, RGBA
            return bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
                + [8, colourTypes[image.channels - 1], 0, 0, 0]
        }

        static func bigEndian(_ value: UInt32) -> [UInt8] {
            [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }

        /// Writes a whole chunk (length, type, data, CRC) at `offset` and advances it.
        private static func writeChunk(type: String, data: [UInt8], at start: UnsafeMutablePointer<UInt8>,
                                       offset: inout Int) {
            let chunkStart = offset
            for byte in bigEndian(UInt32(data.count)) + Array(type.utf8) + data {
                start[offset] = byte
                offset += 1
            }
            let crc = CRC32.update(0, start + chunkStart + 4, count: 4 + data.count)
            for byte in bigEndian(crc) {
                start[offset] = byte
                offset += 1
            }
        }

        /// Turns `dataLength` bytes written at `chunkStart + 8` into chunks of at most
        /// `maximumLength` bytes: headers and CRCs filled in, the data moved apart (from the end,
        /// so nothing is overwritten before it moves) when there is more than one. Returns the
        /// offset after the last chunk.
        private static func splitIntoChunks(type: String, dataLength: Int, at start: UnsafeMutablePointer<UInt8>,
                                            chunkStart: Int, maximumLength: Int) -> Int {
            let chunkCount = max(1, (dataLength + maximumLength - 1) / maximumLength)
            for chunk in stride(from: chunkCount - 1, through: 1, by: -1) {
                let length = min(maximumLength, dataLength - chunk * maximumLength)
                let from = start + chunkStart + 8 + chunk * maximumLength
                let to = start + chunkStart + 8 + chunk * (maximumLength + 12)
                UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: length)
            }
            var offset = chunkStart
            for chunk in 0..<chunkCount {
                let length = min(maximumLength, dataLength - chunk * maximumLength)
                for (index, byte) in (bigEndian(UInt32(length)) + Array(type.utf8)).enumerated() {
                    start[offset + index] = byte
                }
                let crc = CRC32.update(0, start + offset + 4, count: 4 + length)
                offset += 8 + length
                for byte in bigEndian(crc) {
                    start[offset] = byte
                    offset += 1
                }
            }
            return offset
        }
    }
}
