import Foundation
import Testing
@testable import Augment

/// The shared-memory ring of `augment batches --ring-fd`: slots in turn, back-pressure through
/// releases, and a reader that goes away.
@Suite("Batch ring")
struct BatchRingTests {
    /// A ring over a temporary file, its mapping read back through the file, and a pipe whose
    /// write end plays the reader's releases.
    final class Fixture {
        let url: URL
        let file: FileHandle
        let releases = Pipe()
        let ring: BatchRing

        init(slots: Int, slotSize: Int) throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("augment-ring-\(UUID().uuidString)")
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            file = try FileHandle(forUpdating: url)
            ring = try BatchRing(descriptor: file.fileDescriptor, slots: slots, slotSize: slotSize,
                                 releases: releases.fileHandleForReading.fileDescriptor)
        }

        func release(_ slot: UInt32) {
            releases.fileHandleForWriting.write(Data(withUnsafeBytes(of: slot.littleEndian) { Array($0) }))
        }

        /// The bytes of `slot`, read through the file (not the ring's mapping).
        func contents(of slot: Int, length: Int) throws -> [UInt8] {
            let bytes = try [UInt8](Data(contentsOf: url))
            return Array(bytes[slot * ring.slotSize..<slot * ring.slotSize + length])
        }

        deinit { try? FileManager.default.removeItem(at: url) }
    }

    @Test("batches go to the slots in turn, and a full ring waits for the oldest slot's release")
    func slotsInTurn() throws {
        let fixture = try Fixture(slots: 2, slotSize: 4096)
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.url.path)[.size] as? Int == 8192)
        let first = try fixture.ring.put([[1, 2, 3], [4, 5]])
        let second = try fixture.ring.put([[9]])
        #expect(first == (0, 5) && second == (1, 1))
        #expect(try fixture.contents(of: 0, length: 5) == [1, 2, 3, 4, 5])
        #expect(try fixture.contents(of: 1, length: 1) == [9])
        fixture.release(0)  // before the third put, which must wait for it (it reads it from the pipe)
        let third = try fixture.ring.put([[7, 7]])
        #expect(third == (0, 2))
        #expect(try fixture.contents(of: 0, length: 2) == [7, 7])
        fixture.release(0)  // out of turn: slot 1 is the oldest
        #expect(throws: BatchRunError("the reader released ring slot 0, expected 1")) { _ = try fixture.ring.put([[1]]) }
    }

    @Test("a batch larger than a slot, and a reader that has gone, stop the stream with a reason")
    func failures() throws {
        let fixture = try Fixture(slots: 1, slotSize: 8)
        #expect(throws: BatchRunError("a batch of 9 bytes does not fit a ring slot of 8")) {
            _ = try fixture.ring.put([[UInt8](repeating: 0, count: 9)])
        }
        _ = try fixture.ring.put([[1]])
        try fixture.releases.fileHandleForWriting.close()
        #expect(throws: BatchRunError(BatchRing.readerGone)) { _ = try fixture.ring.put([[2]]) }
    }
}
