#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine a benchmark ran on, for its report.
public struct BenchMachine: Sendable {
    /// The cores this process may use (`CoreCount.available`).
    public var cores: Int
    /// The first `model name` of /proc/cpuinfo, or "unknown".
    public var cpuModel: String
    /// `uname`'s system, release and machine: "Linux 6.1.0-18-amd64 x86_64".
    public var system: String
    /// The instruction set the kernels used (`InstructionSet.available`).
    public var instructionSet: InstructionSet = .available

    /// This machine.
    public static var current: BenchMachine {
        let model = CPUInfo.read().flatMap { CPUInfo.firstValue(of: "model name", in: $0) } ?? "unknown"
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return BenchMachine(cores: CoreCount.available, cpuModel: model,
                            system: "\(field(names.sysname)) \(field(names.release)) \(field(names.machine))")
    }
}

/// The JSON report of `augment bench --json`.
public enum BenchReport {
    /// Everything a run measured, as a JSON document:
    ///
    /// `{"machine": {...}, "versions": {...}, "settings": {...}, "cpu_check": {...},
    ///   "runs": [{"workload", "label", "executor", "workers", "blas_threads", "tasks", "unit",
    ///   "seconds" (median), "seconds_min", "seconds_max", "repeats" (every repeat's seconds),
    ///   "speedup", "efficiency", "throughput" (tasks or images per second), "gflops" (dot only),
    ///   "timeline" (the SVG's file name, when drawn)}, ...]}`.
    /// A speedup without a baseline is null.
    ///
    /// - Complexity: O(results × repeats).
    public static func document(results: [BenchResult], suite: BenchSuite, machine: BenchMachine,
                                versions: [(name: String, version: String)], scaling: ArithmeticScaling?,
                                timelines: [String?]) -> DocumentValue {
        typealias Member = DocumentValue.Member
        func number(_ value: Double) -> DocumentValue { value.isFinite ? .number(value) : .null }
        var runs: [DocumentValue] = []
        for (index, result) in results.enumerated() {
            var members = [
                Member("workload", .string(result.taskSet.workload.name)),
                Member("label", .string(result.taskSet.workload.label)),
                Member("executor", .string(result.executor.rawValue)),
                Member("workers", .number(result.workers)),
            ]
            if case .dot(_, let threads) = result.taskSet.workload {
                members.append(Member("blas_threads", threads == 0 ? .string("default") : .number(threads)))
            }
            members += [
                Member("tasks", .number(result.taskSet.tasks)),
                Member("unit", .string(result.taskSet.workload.unit)),
                Member("seconds", number(result.seconds)),
                Member("seconds_min", number(result.minimumSeconds)),
                Member("seconds_max", number(result.maximumSeconds)),
                Member("repeats", .array(result.runs.map { number($0.seconds) })),
                Member("speedup", number(result.speedup)),
                Member("efficiency", number(result.efficiency)),
                Member("throughput", number(result.throughput)),
            ]
            if result.taskSet.workload.flopsPerTask > 0 { members.append(Member("gflops", number(result.gigaflops))) }
            if index < timelines.count, let file = timelines[index] { members.append(Member("timeline", .string(file))) }
            runs.append(.object(members))
        }
        let sizes = suite.sizes
        var document: [Member] = [
            Member("machine", .object([
                Member("cores", .number(machine.cores)),
                Member("cpu", .string(machine.cpuModel)),
                Member("system", .string(machine.system)),
                Member("instruction_set", .string(machine.instructionSet.description)),
            ])),
            Member("versions", .object(versions.map { Member($0.name, .string($0.version)) })),
            Member("settings", .object([
                Member("quick", .bool(suite.quick)),
                Member("repeats", .number(suite.repeats)),
                Member("workloads", .array(suite.workloads.map { .string($0) })),
                Member("executors", .array(suite.executors.map { .string($0.rawValue) })),
                Member("workers", .array(suite.workerCounts.map { .number($0) })),
                Member("images", .string(suite.imageFolder)),
                Member("pipeline", .string(suite.pipelineText)),
                Member("augment_tasks", .number(sizes.augmentTasks)),
                Member("cpu_tasks", .number(sizes.cpuTasks)),
                Member("cpu_iterations", .number(sizes.cpuIterations)),
                Member("io_tasks", .number(sizes.ioTasks)),
                Member("io_bytes", .number(sizes.ioBytes)),
                Member("latency_tasks", .number(sizes.latencyTasks)),
                Member("latency_seconds", .number(sizes.latencySeconds)),
                Member("dot_sizes", .array(suite.dotSizes.map { .number($0) })),
                Member("blas_default_threads", .number(BLAS.defaultThreadCount)),
            ])),
        ]
        if let scaling {
            document.append(Member("cpu_check", .object([
                Member("iterations", .number(scaling.iterations)),
                Member("factor", .number(scaling.factor)),
                Member("seconds", number(scaling.seconds)),
                Member("scaled_seconds", number(scaling.scaledSeconds)),
                Member("ratio", number(scaling.ratio)),
            ])))
        }
        document.append(Member("runs", .array(runs)))
        return .object(document)
    }
}
