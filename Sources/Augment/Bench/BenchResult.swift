/// The repeats of one configuration (a task set under one executor with N workers), summarised.
public struct BenchResult: Sendable {
    public var taskSet: BenchTaskSet
    public var executor: BenchExecutorKind
    public var workers: Int
    /// Every repeat, in the order run.
    public var runs: [BenchRun]
    /// The median repeat's wall seconds over the baseline's: the serial run of the same
    /// workload (for `dot`, the serial run of the same size with OpenBLAS's default threads,
    /// the way a single process would call it). Set by `BenchResult.relate(_:)`.
    public var speedup: Double = 1

    public init(taskSet: BenchTaskSet, executor: BenchExecutorKind, workers: Int, runs: [BenchRun]) {
        precondition(!runs.isEmpty, "a result has at least one run")
        self.taskSet = taskSet
        self.executor = executor
        self.workers = workers
        self.runs = runs
    }

    /// The repeat with the median wall time (the lower middle one for an even count): the one
    /// whose timeline is drawn.
    public var medianRun: BenchRun {
        runs.sorted { $0.seconds < $1.seconds }[(runs.count - 1) / 2]
    }

    /// The median of the repeats' wall seconds (the mean of the middle two for an even count).
    public var seconds: Double {
        let sorted = runs.map(\.seconds).sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    public var minimumSeconds: Double { runs.map(\.seconds).min()! }
    public var maximumSeconds: Double { runs.map(\.seconds).max()! }

    /// Speedup per worker: 1 is perfect scaling.
    public var efficiency: Double { speedup / Double(workers) }

    /// Tasks (images for `augment`) per second, at the median time.
    public var throughput: Double { Double(taskSet.tasks) / seconds }

    /// Billions of floating-point operations per second at the median time (`dot` only, else 0).
    public var gigaflops: Double { taskSet.workload.flopsPerTask * Double(taskSet.tasks) / seconds / 1e9 }

    /// The key that identifies the baseline of a task set: its workload with OpenBLAS at its
    /// default.
    static func baselineKey(_ workload: BenchWorkload) -> BenchWorkload {
        if case .dot(let size, _) = workload { return .dot(size: size, blasThreads: 0) }
        return workload
    }

    /// Sets every result's `speedup` against its baseline (see `speedup`); a result whose
    /// baseline is not among `results` (serial was not run) gets NaN, which tables show as "-"
    /// and JSON as null.
    ///
    /// - Complexity: O(results).
    public static func relate(_ results: inout [BenchResult]) {
        var baselines: [String: Double] = [:]
        for result in results where result.executor == .serial && result.taskSet.workload == baselineKey(result.taskSet.workload) {
            baselines[result.taskSet.workload.label] = result.seconds
        }
        for index in results.indices {
            let key = baselineKey(results[index].taskSet.workload).label
            results[index].speedup = baselines[key].map { $0 / results[index].seconds } ?? .nan
        }
    }
}
