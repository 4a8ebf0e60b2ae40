import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The work inside one benchmark task, for each workload.
enum BenchKernels {
    /// A dependent chain of 64-bit multiply-adds (a linear congruential generator, Knuth's
    /// MMIX constants) folded into a xor-shift accumulator: `iterations` steps, each needing the
    /// one before, so the loop can be neither vectorised nor computed in closed form, and its
    /// time grows linearly with `iterations`. `@inline(never)` and a result that depends on
    /// every step keep the optimiser from dropping or hoisting it.
    ///
    /// - Complexity: O(iterations), O(1) memory.
    @inline(never)
    static func arithmeticLoop(iterations: Int, seed: UInt64) -> UInt64 {
        var state = seed
        var accumulator: UInt64 = 0
        for _ in 0..<iterations {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            accumulator ^= state &>> 29
            accumulator = accumulator &<< 7 | accumulator &>> 57
        }
        return accumulator ^ state
    }

    /// Where results that nothing else reads are stored, so that the work making them cannot
    /// be optimised away (an atomic store is a visible effect).
    private static let sink = Atomic<UInt64>(0)

    static func keep(_ value: UInt64) { sink.store(value, ordering: .relaxed) }

    /// `bytes` of plain text, lines of a repeated sentence, for the io workload.
    ///
    /// - Complexity: O(bytes).
    static func text(bytes: Int) -> [UInt8] {
        let line = Array("The quick brown fox jumps over the lazy dog; pack my box with five dozen jugs.\n".utf8)
        return (0..<bytes).map { line[$0 % line.count] }
    }

    /// A `size` × `size` row-major matrix of values uniform in [-1, 1), the same for a seed.
    ///
    /// - Complexity: O(size²).
    static func matrix(size: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<size * size).map { _ in Float(generator.next() >> 40) / Float(1 << 23) - 1 }
    }

    /// Reads, decodes, augments (copy `copy` under seed 0) and encodes one image, as `augment
    /// run` does but without writing the result.
    ///
    /// - Returns: the encoded size, as the task's checksum.
    /// - Throws: `BenchError` naming the image.
    static func augment(root: String, path: String, copy: Int, pipeline: Pipeline) throws(BenchError) -> UInt64 {
        do {
            let image = try PNG.decode(try FileIO.read(root + "/" + path))
            let drawn = try pipeline.draw(seed: 0, path: path, copy: copy, size: Size(width: image.width, height: image.height),
                                          channels: image.channels)
            return UInt64(try PNG.encode(try drawn.apply(to: image), compression: .fast).count)
        } catch let error as FileError {
            throw BenchError(error.description)
        } catch {
            throw BenchError("\(root)/\(path): \(error)")
        }
    }

    /// Sleeps for `seconds`: the latency workload's simulated waiting.
    static func wait(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// The start of every io workload file's name.
    static let ioFilePrefix = "augment-bench-io-"

    /// Removes the io workload's files from `folder`.
    static func removeIOFiles(in folder: String) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = FileIO.name(of: entry)
            if name.hasPrefix(ioFilePrefix) { unlink(folder + "/" + name) }
        }
    }
}

/// The clock every benchmark timestamp is read from: CLOCK_MONOTONIC, one clock for every
/// process on the machine, so that worker processes' task times line up with the parent's.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (boot).
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
