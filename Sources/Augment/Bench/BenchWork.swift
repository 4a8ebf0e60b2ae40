#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a benchmark could not run.
public struct BenchError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A task set made ready to run: its inputs built once (the matrices of a product, the listing
/// and pipeline of a folder, the text to write), then shared read-only by every thread that
/// runs its tasks. Worker processes each build their own, which is part of what processes cost.
///
/// `run(task:)` is safe to call from any number of threads at once.
public final class BenchWork: Sendable {
    public let taskSet: BenchTaskSet
    private let inputs: Inputs

    private enum Inputs: Sendable {
        case augment(root: String, paths: [String], pipeline: Pipeline)
        case cpu(iterations: Int)
        case io(text: [UInt8], folder: String)
        case latency(seconds: Double)
        case dot(size: Int, a: [Float], b: [Float])
    }

    /// Builds the inputs. For `dot`, also sets OpenBLAS's thread count for this process (see
    /// `BLAS.threadCount`), which stays set: a process runs one workload at a time.
    ///
    /// - Complexity: O(size²) for a product's matrices; O(files) for a folder; O(bytes) for io.
    /// - Throws: `BenchError` for a folder that cannot be listed or holds no PNG, a pipeline
    ///   that does not parse, or an io folder that is not writable.
    public init(_ taskSet: BenchTaskSet) throws(BenchError) {
        self.taskSet = taskSet
        switch taskSet.workload {
        case .augment(let folder, let text, let format):
            let listing: ImageFolder
            do { listing = try ImageFolder(folder) } catch { throw BenchError(error.description) }
            guard !listing.relativePaths.isEmpty else { throw BenchError("\(folder): no PNG images to augment") }
            let pipeline: Pipeline
            do { pipeline = try Pipeline(parsing: text, format: format) } catch { throw BenchError(error.description) }
            inputs = .augment(root: listing.root, paths: listing.relativePaths, pipeline: pipeline)
        case .cpu(let iterations):
            inputs = .cpu(iterations: iterations)
        case .io(let bytes, let folder):
            guard access(folder, W_OK | X_OK) == 0 else {
                throw BenchError(FileError(path: folder, code: errno, action: "cannot write benchmark files to").description)
            }
            inputs = .io(text: BenchKernels.text(bytes: bytes), folder: folder)
        case .latency(let seconds):
            inputs = .latency(seconds: seconds)
        case .dot(let size, let threads):
            BLAS.threadCount = threads == 0 ? BLAS.defaultThreadCount : threads
            inputs = .dot(size: size, a: BenchKernels.matrix(size: size, seed: 1), b: BenchKernels.matrix(size: size, seed: 2))
        }
    }

    /// Runs task `task` (0 ..< tasks).
    ///
    /// - Returns: a checksum of what the task computed: the caller folds it into the run's
    ///   result, so that no optimiser can drop the work.
    /// - Throws: `BenchError` naming the file, for an image that fails or a file that cannot
    ///   be written.
    public func run(task: Int) throws(BenchError) -> UInt64 {
        switch inputs {
        case .augment(let root, let paths, let pipeline):
            let path = paths[task % paths.count]
            return try BenchKernels.augment(root: root, path: path, copy: task / paths.count, pipeline: pipeline)
        case .cpu(let iterations):
            return BenchKernels.arithmeticLoop(iterations: iterations, seed: UInt64(task))
        case .io(let text, let folder):
            let path = "\(folder)/\(BenchKernels.ioFilePrefix)\(getpid())-\(task).txt"
            do { try FileIO.writeAtomically(text, to: path) } catch { throw BenchError(error.description) }
            return UInt64(text.count)
        case .latency(let seconds):
            BenchKernels.wait(seconds: seconds)
            return 0
        case .dot(let size, let a, let b):
            let product = BLAS.multiply(a, b, rows: size, inner: size, columns: size)
            return UInt64(product[task % product.count].bitPattern)
        }
    }

}

extension BenchTaskSet {
    /// Removes what a run's tasks left behind, in whichever process they ran: the io
    /// workload's files.
    public func cleanUp() {
        guard case .io(_, let folder) = workload else { return }
        BenchKernels.removeIOFiles(in: folder)
    }
}
