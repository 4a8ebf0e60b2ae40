#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The images of a batch stream through shared memory instead of the stream itself: a ring of
/// `slots` equal slots in a file the reader made (a `memfd` it passes as a descriptor), each
/// holding one batch's images `.npy` array. The stream then carries, in the images array's
/// place, a small `[slot, length]` reference (`augment batches --ring-fd`, README "Stream
/// format"), and the reader hands each slot back, once it has copied the batch out, by writing
/// the slot's number (a little-endian u32) to the producer's standard input.
///
/// What it saves: a pipe costs a copy into the kernel and a copy out of it per byte, plus a
/// wake-up per pipe-full; a slot costs one copy in here and one out in the reader, in user space.
/// Back-pressure is the ring's: with every slot taken, `put` waits for a release.
///
/// Not `Sendable`: one thread, the one that writes the stream, uses it.
public final class BatchRing {
    public let slots: Int
    public let slotSize: Int
    private let base: UnsafeMutableRawPointer
    private let releases: Int32
    private var next = 0
    private var taken = 0

    /// The bytes a slot needs for a full batch's images array of `arrayLength` bytes, rounded
    /// up to whole pages.
    public static func slotSize(forArrayOf arrayLength: Int) -> Int { (arrayLength + 4095) / 4096 * 4096 }

    /// Sizes the file behind `descriptor` to `slots` × `slotSize` bytes and maps it.
    ///
    /// - Parameter releases: where slot numbers come back from (the reader's end of a pipe).
    /// - Throws: `BatchRunError` when the descriptor cannot be sized or mapped.
    public init(descriptor: Int32, slots: Int, slotSize: Int, releases: Int32 = 0) throws(BatchRunError) {
        precondition(slots >= 1 && slotSize > 0)
        let length = slots * slotSize
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw BatchRunError("--ring-fd \(descriptor): cannot size the ring: \(String(cString: strerror(errno)))")
        }
        guard let mapping = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw BatchRunError("--ring-fd \(descriptor): cannot map the ring: \(String(cString: strerror(errno)))")
        }
        self.slots = slots
        self.slotSize = slotSize
        self.base = mapping
        self.releases = releases
    }

    deinit { munmap(base, slots * slotSize) }

    /// Copies `pieces` (one `.npy` array, `SampleEncoding.pieces(of:)`) into the next slot, first
    /// waiting for the reader to release it when every slot is taken.
    ///
    /// - Returns: the slot and the array's length.
    /// - Complexity: O(array length).
    /// - Throws: `BatchRunError` when the array does not fit a slot, or the reader has gone (end
    ///   of file on the release pipe, or a release out of turn).
    public func put(_ pieces: [[UInt8]]) throws(BatchRunError) -> (slot: Int, length: Int) {
        let length = pieces.reduce(0) { $0 + $1.count }
        guard length <= slotSize else { throw BatchRunError("a batch of \(length) bytes does not fit a ring slot of \(slotSize)") }
        if taken == slots { try awaitRelease() }
        let slot = next
        var offset = slot * slotSize
        for piece in pieces {
            piece.withUnsafeBytes { bytes in
                if let source = bytes.baseAddress { (base + offset).copyMemory(from: source, byteCount: bytes.count) }
            }
            offset += piece.count
        }
        next = (next + 1) % slots
        taken += 1
        return (slot, length)
    }

    /// Reads one release: the oldest taken slot's number.
    private func awaitRelease() throws(BatchRunError) {
        var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var got = 0
        while got < 4 {
            let count = withUnsafeMutableBytes(of: &bytes) { read(releases, $0.baseAddress! + got, 4 - got) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw BatchRunError(BatchRing.readerGone) }
            got += count
        }
        let released = Int(UInt32(bytes.0) | UInt32(bytes.1) << 8 | UInt32(bytes.2) << 16 | UInt32(bytes.3) << 24)
        let oldest = (next - taken + slots) % slots
        guard released == oldest else {
            throw BatchRunError("the reader released ring slot \(released), expected \(oldest)")
        }
        taken -= 1
    }

    /// What `put` says when the release pipe ends: the reader has gone.
    public static let readerGone = "the reader closed the stream"
}
