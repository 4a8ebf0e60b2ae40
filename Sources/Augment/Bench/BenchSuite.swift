/// What `augment bench` runs: which workloads, under which executors, with how many workers,
/// how often; and the task sets this makes.
public struct BenchSuite: Sendable {
    /// The workload names, in the order they run: a subset of `BenchSuite.workloadNames`.
    public var workloads: [String]
    public var executors: [BenchExecutorKind]
    /// The worker counts of the threads and processes executors (serial always has one).
    public var workerCounts: [Int]
    public var repeats: Int
    /// Smaller task sets (see `Sizes`), so that the whole suite takes about a minute on 2 cores.
    public var quick: Bool
    /// The augment workload's images and pipeline.
    public var imageFolder: String
    public var pipelineText: String
    public var pipelineFormat: PipelineFileFormat
    public var dotSizes: [Int]
    /// Where the io workload writes (and removes) its files.
    public var scratchFolder: String

    public static let workloadNames = ["augment", "cpu", "io", "latency", "dot"]

    public init(workloads: [String] = workloadNames, executors: [BenchExecutorKind] = BenchExecutorKind.allCases,
                workerCounts: [Int], repeats: Int, quick: Bool, imageFolder: String, pipelineText: String,
                pipelineFormat: PipelineFileFormat, dotSizes: [Int] = [1024, 2048], scratchFolder: String) {
        self.workloads = workloads
        self.executors = executors
        self.workerCounts = workerCounts
        self.repeats = repeats
        self.quick = quick
        self.imageFolder = imageFolder
        self.pipelineText = pipelineText
        self.pipelineFormat = pipelineFormat
        self.dotSizes = dotSizes
        self.scratchFolder = scratchFolder
    }

    /// Task counts and sizes, full and quick. Each full task set takes roughly a second or two
    /// serially on this project's 2-core machines, long enough to dwarf starting a worker.
    public struct Sizes: Sendable, Equatable {
        public var augmentTasks: Int
        public var cpuTasks: Int
        public var cpuIterations: Int
        public var ioTasks: Int
        public var ioBytes: Int
        public var latencyTasks: Int
        public var latencySeconds: Double
        /// Products per run, by matrix size: the work of 64 products of 1024 (16 with quick), so
        /// 64 of 1024 and 8 of 2048 (2048³ is 8 times 1024³).
        public func dotTasks(size: Int) -> Int { max(1, (quick ? 16 : 64) * 1024 * 1024 * 1024 / (size * size * size)) }
        let quick: Bool

        public static let full = Sizes(augmentTasks: 2_000, cpuTasks: 48, cpuIterations: 20_000_000, ioTasks: 48,
                                       ioBytes: 16 << 20, latencyTasks: 64, latencySeconds: 0.02, quick: false)
        public static let quick = Sizes(augmentTasks: 400, cpuTasks: 16, cpuIterations: 10_000_000, ioTasks: 16,
                                        ioBytes: 8 << 20, latencyTasks: 24, latencySeconds: 0.01, quick: true)
    }

    public var sizes: Sizes { quick ? .quick : .full }

    /// Every task set the suite runs, in order: for `dot`, each size with OpenBLAS at its
    /// default threads and at one thread per worker.
    public var taskSets: [BenchTaskSet] {
        let sizes = self.sizes
        return workloads.flatMap { name -> [BenchTaskSet] in
            switch name {
            case "augment":
                [BenchTaskSet(.augment(folder: imageFolder, pipelineText: pipelineText, format: pipelineFormat),
                              tasks: sizes.augmentTasks)]
            case "cpu": [BenchTaskSet(.cpu(iterations: sizes.cpuIterations), tasks: sizes.cpuTasks)]
            case "io": [BenchTaskSet(.io(bytes: sizes.ioBytes, folder: scratchFolder), tasks: sizes.ioTasks)]
            case "latency": [BenchTaskSet(.latency(seconds: sizes.latencySeconds), tasks: sizes.latencyTasks)]
            default:
                dotSizes.flatMap { size in
                    [0, 1].map { BenchTaskSet(.dot(size: size, blasThreads: $0), tasks: sizes.dotTasks(size: size)) }
                }
            }
        }
    }

    /// Every (executor, workers) pair the suite runs each task set under: serial once, then
    /// threads and processes with each worker count.
    public var schedules: [(executor: BenchExecutorKind, workers: Int)] {
        executors.flatMap { executor -> [(executor: BenchExecutorKind, workers: Int)] in
            executor == .serial ? [(executor, 1)] : workerCounts.map { (executor, $0) }
        }
    }

    /// Runs the whole suite. Serial and thread runs share one `BenchWork` per task set, built
    /// and warmed up (one untimed serial pass) before anything is timed; each worker process builds its
    /// own inside its timed run.
    ///
    /// - Parameters:
    ///   - workerCommand: the command that starts a bench worker (`[augment, "_bench-worker"]`).
    ///   - progress: called after each configuration with its result (speedup set when its
    ///     baseline has run, which it has when serial is among the executors).
    /// - Returns: every configuration's result, speedups set (`BenchResult.relate`).
    /// - Throws: the first `BenchError`; what the run left behind is removed first.
    public func run(workerCommand: [String], progress: (BenchResult) -> Void = { _ in }) throws(BenchError) -> [BenchResult] {
        var results: [BenchResult] = []
        for taskSet in taskSets {
            defer { taskSet.cleanUp() }
            // Built before any timing, and warmed up by one untimed serial pass: a first run
            // pays for new page-cache pages (io: ten times slower), OpenBLAS's thread start and
            // cold caches, which would otherwise fall on whichever executor runs first.
            let work = try BenchWork(taskSet)
            _ = try work.runSerially()
            taskSet.cleanUp()
            for schedule in schedules {
                var runs: [BenchRun] = []
                for _ in 0..<max(repeats, 1) {
                    switch schedule.executor {
                    case .serial:
                        runs.append(try work.runSerially())
                    case .threads:
                        // BenchWork set OpenBLAS's threads when built; processes runs leave this
                        // process's setting alone.
                        runs.append(try work.runOnThreads(workers: schedule.workers))
                    case .processes:
                        runs.append(try taskSet.runOnProcesses(workers: schedule.workers, command: workerCommand))
                    }
                    taskSet.cleanUp()
                }
                results.append(BenchResult(taskSet: taskSet, executor: schedule.executor, workers: schedule.workers, runs: runs))
                BenchResult.relate(&results)
                progress(results[results.count - 1])
            }
        }
        return results
    }
}

/// The check that the cpu workload's loop really does its work: time must grow in proportion.
public struct ArithmeticScaling: Sendable {
    /// The smaller loop's steps; the larger does `factor` times as many.
    public var iterations: Int
    public var factor: Int
    /// Median seconds of three runs each.
    public var seconds: Double
    public var scaledSeconds: Double

    /// Times `BenchKernels.arithmeticLoop` at `iterations` and `factor` × `iterations`.
    ///
    /// - Complexity: 3 × (1 + factor) × iterations steps.
    public static func measure(iterations: Int, factor: Int = 4) -> ArithmeticScaling {
        func median(_ steps: Int) -> Double {
            var times: [Double] = []
            var sink: UInt64 = 0
            for seed in 0..<3 {
                let start = MonotonicClock.now()
                sink &+= BenchKernels.arithmeticLoop(iterations: steps, seed: UInt64(seed))
                times.append(BenchWork.seconds(MonotonicClock.now(), since: start))
            }
            BenchKernels.keep(sink)
            return times.sorted()[1]
        }
        return ArithmeticScaling(iterations: iterations, factor: factor, seconds: median(iterations),
                                 scaledSeconds: median(iterations * factor))
    }

    /// How many times longer the larger loop took: about `factor` when the work is real.
    public var ratio: Double { scaledSeconds / seconds }
}
