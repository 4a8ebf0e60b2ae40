/// Writes bit fields least significant bit first, as DEFLATE packs them, through a 64-bit buffer.
///
/// `flush()` stores all eight buffer bytes at the output position and advances past the whole
/// bytes only, so it writes up to 7 bytes beyond the bytes it keeps: the memory must have 8 bytes
/// to spare past the last byte that can be written (`slack`). After a flush fewer than 8 bits
/// are pending, so up to 56 more bits can be added before the next one: three codes of at most
/// 15 bits, or one 21-bit match with a code of at most 15 bits.
///
/// It does not own or check its memory; the caller sizes it (see `ZeroRunDeflater.bound`).
struct DeflateBitWriter {
    /// Bytes past the end that a flush may overwrite.
    static let slack = 8

    /// The start of the output, for `byteCount`.
    let start: UnsafeMutablePointer<UInt8>
    /// Where the next whole byte goes.
    private(set) var position: UnsafeMutablePointer<UInt8>
    /// Pending bits, in the low `pendingCount` bits.
    private var pending: UInt64 = 0
    private var pendingCount = 0

    init(start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        self.position = start
    }

    /// Bytes written so far, counting a partly filled last byte.
    var byteCount: Int { position - start + (pendingCount + 7) / 8 }

    /// Adds the low `count` bits of `bits` (the rest must be zero).
    /// - Precondition: at most 56 bits pending after the last flush, counting these.
    @inline(__always)
    mutating func add(_ bits: UInt64, count: Int) {
        pending |= bits &<< UInt64(truncatingIfNeeded: pendingCount)
        pendingCount &+= count
    }

    /// Adds a code packed as `bits | count << 24` (the form of `ZeroRunDeflater`'s tables).
    @inline(__always)
    mutating func add(packed entry: UInt32) {
        add(UInt64(entry & 0xFF_FFFF), count: Int(entry &>> 24))
    }

    /// Moves the whole pending bytes to the output (writing 8 bytes, keeping up to 7 bits).
    @inline(__always)
    mutating func flush() {
        UnsafeMutableRawPointer(position).storeBytes(of: pending.littleEndian, as: UInt64.self)
        let wholeBytes = pendingCount &>> 3
        position += wholeBytes
        pending = pending &>> UInt64(truncatingIfNeeded: wholeBytes &<< 3)
        pendingCount &= 7
    }

    /// Pads the pending bits with zeros to a byte boundary and writes them out (for stored
    /// blocks and the end of the stream).
    mutating func alignToByte() {
        flush()
        if pendingCount > 0 {
            // A whole byte now: the flush writes it and empties the buffer.
            pendingCount = 8
            flush()
        }
    }

    /// Copies bytes to a byte-aligned position.
    /// - Precondition: aligned (after `alignToByte`).
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(pendingCount == 0, "bytes are appended at byte boundaries only")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(position).copyMemory(from: base, byteCount: bytes.count)
        position += bytes.count
    }
}
