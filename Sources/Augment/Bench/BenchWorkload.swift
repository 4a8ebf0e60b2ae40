/// One workload of `augment bench`: a kind of task, and its size. Every task of a workload does
/// the same amount of work, so that runs compare executors, not luck in the task mix.
///
/// The workloads retell the classic Python experiment (API calls, IO-heavy writes, CPU-heavy
/// loops, NumPy dot products under serial, thread-pool and process-pool execution) for a
/// language without a GIL, plus the project's own job.
public enum BenchWorkload: Sendable, Equatable {
    /// Read, decode, augment with a pipeline, and encode (in memory) PNG images of a folder,
    /// taken in sorted order and cycled until the task count is reached (the cycle number is
    /// the copy, so repeats draw new parameters).
    case augment(folder: String, pipelineText: String, format: PipelineFileFormat)
    /// A pure-Swift arithmetic loop of this many steps (`BenchKernels.arithmeticLoop`).
    case cpu(iterations: Int)
    /// Write a text buffer of this many bytes to a new file in `folder`, as the classic
    /// experiment does (the page cache absorbs it; nothing is synced).
    case io(bytes: Int, folder: String)
    /// Wait this many seconds: simulated waiting, standing in for an API call.
    case latency(seconds: Double)
    /// One single-precision product of two `size` × `size` matrices through OpenBLAS
    /// `cblas_sgemm`, with OpenBLAS holding `blasThreads` threads per process (0: its default,
    /// every core).
    case dot(size: Int, blasThreads: Int)

    /// The workload's name in tables and JSON: `augment`, `cpu`, `io`, `latency`, `dot`.
    public var name: String {
        switch self {
        case .augment: "augment"
        case .cpu: "cpu"
        case .io: "io"
        case .latency: "latency"
        case .dot: "dot"
        }
    }

    /// The name with the settings that tell runs of one workload apart: `dot 1024, BLAS 1
    /// thread`, `dot 2048, BLAS default`.
    public var label: String {
        switch self {
        case .dot(let size, let threads):
            "dot \(size), BLAS " + (threads == 0 ? "default" : "\(threads) thread\(threads == 1 ? "" : "s")")
        default: name
        }
    }

    /// What one task produces, for throughput: `images`, `tasks`.
    public var unit: String {
        if case .augment = self { return "images" }
        return "tasks"
    }

    /// Floating-point operations per task (2n³ for a product), else 0.
    public var flopsPerTask: Double {
        if case .dot(let size, _) = self { return 2 * Double(size) * Double(size) * Double(size) }
        return 0
    }
}

/// A workload and how many tasks one run of it has.
public struct BenchTaskSet: Sendable, Equatable {
    public var workload: BenchWorkload
    public var tasks: Int

    public init(_ workload: BenchWorkload, tasks: Int) {
        precondition(tasks >= 1, "a task set has at least one task")
        self.workload = workload
        self.tasks = tasks
    }
}

extension BenchTaskSet {
    /// The task set as the bench worker protocol's first message carries it.
    func write(to writer: inout WireWriter) {
        writer.u32(UInt32(tasks))
        switch workload {
        case .augment(let folder, let text, let format):
            writer.u8(0)
            writer.string(folder)
            writer.string(text)
            writer.u8(format == .json ? 0 : 1)
        case .cpu(let iterations):
            writer.u8(1)
            writer.u64(UInt64(iterations))
        case .io(let bytes, let folder):
            writer.u8(2)
            writer.u64(UInt64(bytes))
            writer.string(folder)
        case .latency(let seconds):
            writer.u8(3)
            writer.u64(seconds.bitPattern)
        case .dot(let size, let threads):
            writer.u8(4)
            writer.u32(UInt32(size))
            writer.u32(UInt32(threads))
        }
    }

    init(reading reader: inout WireReader) throws(WireError) {
        let tasks = Int(try reader.u32())
        let workload: BenchWorkload
        switch try reader.u8() {
        case 0:
            let folder = try reader.string(), text = try reader.string()
            workload = .augment(folder: folder, pipelineText: text, format: try reader.bool() ? .yaml : .json)
        case 1:
            workload = .cpu(iterations: Int(clamping: try reader.u64()))
        case 2:
            let bytes = Int(clamping: try reader.u64())
            workload = .io(bytes: bytes, folder: try reader.string())
        case 3:
            workload = .latency(seconds: Double(bitPattern: try reader.u64()))
        case 4:
            let size = Int(try reader.u32())
            workload = .dot(size: size, blasThreads: Int(try reader.u32()))
        case let other:
            throw WireError(reason: "unknown workload kind \(other)")
        }
        guard tasks >= 1 else { throw WireError(reason: "a task set of \(tasks) tasks") }
        self.init(workload, tasks: tasks)
    }
}
