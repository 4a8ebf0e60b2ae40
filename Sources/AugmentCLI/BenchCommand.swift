import ArgumentParser
import Augment
import Foundation

extension BenchExecutorKind: ExpressibleByArgument {}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Compare serial, threads and processes on augmentation, CPU, IO, waiting and BLAS workloads.",
        discussion: """
            Runs each workload as a set of equal tasks under each executor: serial (one task at \
            a time on one thread), threads (N OS threads of this process taking tasks from a \
            shared queue) and processes (N worker processes of this executable, fed over pipes), \
            for each N in --workers, --repeats times, and prints a table: median wall seconds \
            with min-max, speedup over serial, parallel efficiency (speedup / N) and throughput.

            Workloads:
              augment  read, decode, augment with --pipeline and encode (in memory) the PNGs of \
            --images, cycled to 2,000 tasks (400 with --quick)
              cpu      a pure-Swift arithmetic loop per task (its time is checked to grow with \
            the work: 4x the steps must take about 4x the time)
              io       write a 16 MiB text file per task (8 with --quick) into the page cache, as \
            the classic experiment does (nothing synced; removed after each run)
              latency  SIMULATED WAITING: each task sleeps 20 ms (10 with --quick), as an API \
            call would wait
              dot      single-precision matrix products through OpenBLAS cblas_sgemm, for each \
            of --dot-sizes, with OpenBLAS at its default threads (every core) and at 1 thread \
            per worker; speedups are over serial with OpenBLAS's default, and GFLOP/s are shown

            Threads share the inputs (built once, before timing); each worker process builds \
            its own inside the timed run (start-up and building are what processes cost).

            --json FILE writes every figure, the machine, versions and settings. --timeline DIR \
            writes an SVG per run (each task a bar on its worker's lane, the median repeat) and \
            throughput.svg comparing the executors per workload.

            Exit status: 0 done; 2 a workload could not run (missing images or pipeline file, \
            an image that fails, an unwritable scratch folder, a worker that failed); 64 a bad \
            option or a pipeline file that does not parse; 130 stopped by Ctrl-C (the io \
            workload's files are removed first).
            """
    )

    @Option(help: ArgumentHelp("Workloads to run, comma-separated, from \(BenchSuite.workloadNames.joined(separator: ",")).",
                               valueName: "list"))
    var workloads: String = BenchSuite.workloadNames.joined(separator: ",")

    @Option(help: ArgumentHelp("Executors, comma-separated, from serial,threads,processes.", valueName: "list"))
    var executors: String = BenchExecutorKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: ArgumentHelp("Worker counts for threads and processes, comma-separated (default: 1,2,4 and the cores, \(CoreCount.available) here).",
                               valueName: "list"))
    var workers: String?

    @Option(help: ArgumentHelp("Runs of each configuration; the table shows the median (default: 3, 1 with --quick).", valueName: "n"))
    var repeats: Int?

    @Flag(help: "Smaller task sets and one repeat: the whole command takes about 15 seconds on 2 cores.")
    var quick = false

    @Option(help: ArgumentHelp("The augment workload's folder of PNG images.", valueName: "dir"))
    var images = "images"

    @Option(help: ArgumentHelp("The augment workload's pipeline file.", valueName: "file"))
    var pipeline = "pipelines/standard.json"

    @Option(help: ArgumentHelp("Matrix sizes of the dot workload, comma-separated.", valueName: "list"))
    var dotSizes = "1024,2048"

    @Option(help: ArgumentHelp("Write every figure as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write an SVG timeline per run, and throughput.svg, into this folder.", valueName: "dir"))
    var timeline: String?

    @Option(help: ArgumentHelp("Where the io workload writes its files (default: a new folder in $TMPDIR or /tmp, removed after).",
                               valueName: "dir"))
    var scratch: String?

    @Flag(name: .shortAndLong, help: "Print only the table: no progress on standard error.")
    var quiet = false

    func validate() throws {
        _ = try parsedWorkloads()
        _ = try parsedExecutors()
        _ = try parsedWorkerCounts()
        _ = try parsedDotSizes()
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be at least 1, not \(repeats)") }
    }

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        let workloadNames = try parsedWorkloads()
        if let json { try RunCommand.checkWritable(json, what: "the report") }
        let scratchFolder = workloadNames.contains("io") ? try makeScratchFolder() : ""
        defer { if scratch == nil && !scratchFolder.isEmpty { rmdir(scratchFolder) } }
        let interrupt = Self.removeScratchFilesOnInterrupt(scratchFolder, madeHere: scratch == nil)
        defer { interrupt?.cancel() }
        var pipelineText = "", format = PipelineFileFormat.json
        if workloadNames.contains("augment") {
            do {
                pipelineText = try PipelineFileError.text(ofFile: pipeline)
                format = PipelineFileFormat(path: pipeline, text: pipelineText)
            } catch {
                printError("error: \(error) (choose a pipeline with --pipeline FILE)")
                throw ExitStatus.couldNotRun
            }
            // A pipeline that does not parse is a bad option, refused before anything runs.
            do {
                let parsed = try Pipeline(parsing: pipelineText, format: format, name: pipeline)
                if parsed.makesFloatValues {
                    printError("error: \(pipeline): transforms[\(parsed.transforms.count - 1)] (normalize): \(RunCommand.normalizeRefusal)")
                    throw ExitCode.validationFailure
                }
            } catch let error as PipelineFileError {
                printError("error: \(error)")
                throw ExitCode.validationFailure
            }
        }
        let suite = BenchSuite(workloads: workloadNames, executors: try parsedExecutors(), workerCounts: try parsedWorkerCounts(),
                               repeats: repeats ?? (quick ? 1 : 3), quick: quick, imageFolder: images,
                               pipelineText: pipelineText, pipelineFormat: format, dotSizes: try parsedDotSizes(),
                               scratchFolder: scratchFolder)
        if let timeline {
            do { try FileIO.createFolders(timeline) } catch {
                printError("error: \(error)")
                throw ExitStatus.couldNotRun
            }
        }

        var scaling: ArithmeticScaling?
        if workloadNames.contains("cpu") {
            let measured = ArithmeticScaling.measure(iterations: suite.sizes.cpuIterations / 4)
            scaling = measured
            print(BenchTable.scalingLine(measured))
            if measured.ratio < Double(measured.factor) / 2 {
                printError("warning: the cpu loop's time does not grow with its work (\(measured.factor)x the steps took "
                    + "\(BenchTable.fixed(measured.ratio, 2))x the time); its figures are not to be trusted")
            }
        }
        print(BenchTable.header)
        let results: [BenchResult]
        do {
            results = try suite.run(workerCommand: [RunCommand.executablePath, BenchWorkerCommand.configuration.commandName!]) { result in
                print(BenchTable.row(result))
                fflush(nil)
            }
        } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
        var timelineFiles: [String?] = Array(repeating: nil, count: results.count)
        if let timeline {
            for (index, result) in results.enumerated() {
                let name = BenchTable.fileName(result)
                try write(result.timelineSVG, to: timeline + "/" + name)
                timelineFiles[index] = name
            }
            try write(BenchResult.throughputSVG(of: results), to: timeline + "/throughput.svg")
            if !quiet { printError("wrote \(results.count + 1) SVG files to \(timeline)") }
        }
        if let json {
            let document = BenchReport.document(
                results: results, suite: suite, machine: .current,
                versions: [("augment", AugmentCommand.configuration.version.split(separator: " ").first.map(String.init) ?? ""),
                           ("libpng", PNG.libpngVersion), ("openblas", BLAS.configuration)],
                scaling: scaling, timelines: timelineFiles)
            try write(document.jsonText + "\n", to: json)
        }
    }

    /// On Ctrl-C, removes the io workload's files (and the scratch folder when made here) and
    /// exits with status 130: an interrupted bench must not leave hundreds of megabytes behind.
    /// Workers exit on their own when this process ends.
    private static func removeScratchFilesOnInterrupt(_ folder: String, madeHere: Bool) -> (any DispatchSourceSignal)? {
        guard !folder.isEmpty else { return nil }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            BenchTaskSet(.io(bytes: 1, folder: folder), tasks: 1).cleanUp()
            if madeHere { rmdir(folder) }
            _exit(130)
        }
        source.resume()
        return source
    }

    private func write(_ text: String, to path: String) throws {
        do { try FileIO.writeAtomically(Array(text.utf8), to: path) } catch {
            printError("error: \(error)")
            throw ExitStatus.couldNotRun
        }
    }

    private func makeScratchFolder() throws -> String {
        if let scratch { return scratch }
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/augment-bench-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            printError("error: \(base): cannot create a scratch folder (\(String(cString: strerror(errno))))")
            throw ExitStatus.couldNotRun
        }
        return String(cString: made)
    }

    private func list(_ text: String, option: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty, !items.contains("") else { throw ValidationError("\(option) takes a comma-separated list, not \"\(text)\"") }
        return items
    }

    private func parsedWorkloads() throws -> [String] {
        let names = try list(workloads, option: "--workloads")
        for name in names where !BenchSuite.workloadNames.contains(name) {
            throw ValidationError("--workloads: unknown workload \"\(name)\"; choose from \(BenchSuite.workloadNames.joined(separator: ", "))")
        }
        return BenchSuite.workloadNames.filter(names.contains)
    }

    private func parsedExecutors() throws -> [BenchExecutorKind] {
        let names = try list(executors, option: "--executors")
        return try names.map { name in
            guard let kind = BenchExecutorKind(rawValue: name) else {
                throw ValidationError("--executors: unknown executor \"\(name)\"; choose from serial, threads, processes")
            }
            return kind
        }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    private func parsedWorkerCounts() throws -> [Int] {
        guard let workers else { return Array(Set([1, 2, 4, CoreCount.available])).sorted() }
        return Array(Set(try list(workers, option: "--workers").map { item in
            guard let count = Int(item), (1...256).contains(count) else {
                throw ValidationError("--workers: each count must be 1 to 256, not \"\(item)\"")
            }
            return count
        })).sorted()
    }

    private func parsedDotSizes() throws -> [Int] {
        try list(dotSizes, option: "--dot-sizes").map { item in
            guard let size = Int(item), (1...8192).contains(size) else {
                throw ValidationError("--dot-sizes: each size must be 1 to 8192, not \"\(item)\"")
            }
            return size
        }
    }
}

/// `augment _bench-worker`: one worker process of `augment bench`, fed over its standard input
/// and output. Hidden from help.
struct BenchWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_bench-worker",
        abstract: "A worker process of `augment bench` (internal).",
        shouldDisplay: false
    )

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        let status = BenchWorkerServer.serve()
        if status != 0 { throw ExitCode(status) }
    }
}
