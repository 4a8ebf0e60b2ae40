import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a folder job on worker processes of the same executable, fed over pipes with the
/// worker protocol (docs/worker-protocol.md). Workers read, transform and write the images
/// themselves and reply per image; the parent only hands out chunks of paths and collects the
/// replies, on the calling thread, with `poll`.
///
/// Guarantees:
/// - Every path is reported exactly once (`done` or `failed`), or counted as not attempted when
///   the run stops early.
/// - A worker that dies (crash, `kill -9`, out of memory) is noticed at once: its reply pipe
///   reaches end of file. Its in-flight images (sent, not replied) are handed out again to
///   other workers and a replacement is started. The image it was processing (the one it
///   reported `started` and had not answered) is retried once; if its worker dies on it again,
///   it is reported failed. A worker that dies between images costs no image a retry.
///   Temporaries the dead worker left for them are removed. Workers that end one after
///   another before beginning any image, with no image answered in between, stop the run
///   (`workerFailure`): they cannot start.
/// - Workers exit when the parent closes their request pipes: at the end, on a stop request
///   (each finishes the image it is on), and when the parent dies by any means.
/// - The outputs are those of the serial executor, byte for byte.
public struct ProcessExecutor: Sendable {
    /// The executable and arguments that start one worker (`[path-to-augment, "_worker"]`).
    public var command: [String]
    public var workers: Int
    /// The job, as data for the workers.
    public var description: JobDescription
    /// The workers' environment: nil keeps the parent's.
    public var environment: [String]?

    public init(command: [String], workers: Int, description: JobDescription, environment: [String]? = nil) {
        precondition(!command.isEmpty && workers >= 1, "a worker command and at least one worker")
        self.command = command
        self.workers = workers
        self.description = description
        self.environment = environment
    }

    /// Processes `paths` (relative to the job's input) on the workers. `job` is the parent's own
    /// copy of the job described by `description` (it names each image's outputs). `report` is
    /// called on the calling thread once per image; `warn` for each worker that died.
    ///
    /// - Complexity: O(total work / workers) time; the parent holds the paths and at most two
    ///   chunks in flight per worker.
    public func run(_ job: FolderJob, paths: [String], stop: StopRequest = StopRequest(),
                    report: (ImageReport) -> Void, warn: (String) -> Void = { _ in }) -> RunSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        let previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previousPipeHandler) }
        var run = ProcessRun(executor: self, job: job, paths: paths)
        run.loop(stop: stop, report: report, warn: warn)
        var summary = run.summary
        summary.interrupted = stop.isRequested && summary.imagesReported < paths.count && summary.stoppedBy == nil
        summary.notAttempted = paths.count - summary.imagesReported
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}

/// The state of one `ProcessExecutor.run`.
private struct ProcessRun {
    /// One live worker.
    struct Slot {
        var process: WorkerProcess
        /// Request bytes not yet taken by the pipe.
        var outgoing: [UInt8]
        var incoming: [UInt8] = []
        var greeted = false
        var ready = false
        var requestsOpen = true
        /// Indices sent and not yet answered, in the order sent.
        var inFlight: [UInt32] = []
        /// The image this worker said it began and has not answered yet, if any.
        var started: UInt32?
        var replies = 0
    }

    let executor: ProcessExecutor
    let job: FolderJob
    let paths: [String]
    let chunkSize: Int
    var slots: [Slot] = []
    var summary = RunSummary()
    /// The next index never handed out.
    var cursor = 0
    /// Indices whose worker died, to hand out again.
    var retries: [UInt32] = []
    /// Worker deaths per index.
    var deaths: [UInt32: Int] = [:]
    /// Workers that died, one after another with no image answered in between, before
    /// beginning any image: many in a row mean workers that cannot work at all (a crash at start).
    var deathsWithoutProgress = 0
    var stopping = false

    init(executor: ProcessExecutor, job: FolderJob, paths: [String]) {
        self.executor = executor
        self.job = job
        self.paths = paths
        self.chunkSize = ChunkPlan.size(images: paths.count, workers: executor.workers)
    }

    var workRemains: Bool { cursor < paths.count || !retries.isEmpty }

    mutating func loop(stop: StopRequest, report: (ImageReport) -> Void, warn: (String) -> Void) {
        while true {
            if stop.isRequested || summary.stoppedBy != nil || summary.workerFailure != nil { stopping = true }
            if !stopping {
                while slots.count < min(executor.workers, max(paths.count - cursor + retries.count, 1)) && workRemains {
                    do {
                        let process = try WorkerProcess.spawn(executor.command, environment: executor.environment)
                        var writer = WireWriter()
                        writer.raw(WorkerProtocol.hello)
                        writer.raw(WorkerRequest.job(executor.description).framed)
                        slots.append(Slot(process: process, outgoing: writer.bytes))
                    } catch {
                        summary.workerFailure = error.description
                        stopping = true
                        break
                    }
                }
            }
            for index in slots.indices { feed(index) }
            if slots.isEmpty { return }
            waitAndHandle(report: report, warn: warn)
        }
    }

    /// Hands out work to a ready worker (up to two chunks in flight), or closes its request
    /// pipe when there is no more, or the run is stopping, so that it exits.
    mutating func feed(_ index: Int) {
        guard slots[index].requestsOpen else { return }
        if stopping || (!workRemains && slots[index].inFlight.isEmpty) {
            close(slots[index].process.requests)
            slots[index].requestsOpen = false
            slots[index].outgoing = []
            return
        }
        guard slots[index].ready else { return }
        while slots[index].inFlight.count < chunkSize * 2 && workRemains {
            var items: [(index: UInt32, path: String)] = []
            while items.count < chunkSize, let retry = retries.first {
                retries.removeFirst()
                items.append((retry, paths[Int(retry)]))
            }
            while items.count < chunkSize && cursor < paths.count && retries.isEmpty {
                items.append((UInt32(cursor), paths[cursor]))
                cursor += 1
            }
            slots[index].inFlight += items.map(\.index)
            slots[index].outgoing += WorkerRequest.chunk(items).framed
        }
    }

    /// Waits up to 100 ms (so that stop requests are seen) for replies or room in a request pipe.
    mutating func waitAndHandle(report: (ImageReport) -> Void, warn: (String) -> Void) {
        var descriptors: [pollfd] = []
        for slot in slots {
            descriptors.append(pollfd(fd: slot.process.replies, events: Int16(POLLIN), revents: 0))
            let wantsOut = slot.requestsOpen && !slot.outgoing.isEmpty
            descriptors.append(pollfd(fd: wantsOut ? slot.process.requests : -1, events: Int16(POLLOUT), revents: 0))
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), 100)
        if ready <= 0 { return }
        var ended: [Int] = []
        for index in slots.indices {
            let outEvents = descriptors[2 * index + 1].revents
            if outEvents != 0 && slots[index].requestsOpen {
                if let written = PipeIO.writeSome(slots[index].process.requests, slots[index].outgoing[...]) {
                    slots[index].outgoing.removeFirst(written)
                } else {
                    // The worker is gone; its reply pipe will say so.
                    close(slots[index].process.requests)
                    slots[index].requestsOpen = false
                }
            }
            if descriptors[2 * index].revents != 0 {
                if PipeIO.readSome(slots[index].process.replies, into: &slots[index].incoming) == 0 {
                    ended.append(index)
                } else if !handleReplies(index, report: report) {
                    ended.append(index)
                }
            }
        }
        for index in ended.reversed() { retire(index, report: report, warn: warn) }
    }

    /// Handles the complete replies of a worker; false when it broke the protocol.
    mutating func handleReplies(_ index: Int, report: (ImageReport) -> Void) -> Bool {
        if !slots[index].greeted {
            guard slots[index].incoming.count >= WorkerProtocol.hello.count else { return true }
            guard Array(slots[index].incoming.prefix(WorkerProtocol.hello.count)) == WorkerProtocol.hello else {
                summary.workerFailure = "\(executor.command[0]) does not speak worker protocol \(WorkerProtocol.version)"
                return false
            }
            slots[index].incoming.removeFirst(WorkerProtocol.hello.count)
            slots[index].greeted = true
        }
        do {
            for frame in try WorkerProtocol.takeFrames(from: &slots[index].incoming) {
                switch try WorkerReply(type: frame.type, payload: frame.payload) {
                case .ready:
                    slots[index].ready = true
                case .started(let imageIndex):
                    slots[index].started = imageIndex
                case .refused(let reason):
                    summary.workerFailure = "a worker refused the job: \(reason)"
                    return false
                case .done(let imageIndex, let skipped, let outputs, let lines):
                    guard let path = answer(index, imageIndex) else { return false }
                    var entries: [ManifestEntry] = []
                    for (number, line) in lines.enumerated() { entries.append(try ManifestEntry(jsonLine: line, lineNumber: number + 1)) }
                    deliver(.done(relativePath: path, skipped ? .skipped(entries) : .written(outputs: Int(outputs), entries: entries)), report)
                case .failed(let imageIndex, let reason, let stops):
                    guard let path = answer(index, imageIndex) else { return false }
                    deliver(.failed(ImageFailure(relativePath: path, reason: reason, stopsTheRun: stops)), report)
                }
            }
        } catch {
            summary.workerFailure = "a worker's reply is malformed: \(error)"
            return false
        }
        return true
    }

    /// Marks `imageIndex` answered by worker `index`; nil when it was not in flight there.
    mutating func answer(_ index: Int, _ imageIndex: UInt32) -> String? {
        guard let position = slots[index].inFlight.firstIndex(of: imageIndex) else {
            summary.workerFailure = "a worker answered for an image it was not given"
            return nil
        }
        slots[index].inFlight.remove(at: position)
        if slots[index].started == imageIndex { slots[index].started = nil }
        slots[index].replies += 1
        deathsWithoutProgress = 0
        return paths[Int(imageIndex)]
    }

    mutating func deliver(_ result: ImageReport, _ report: (ImageReport) -> Void) {
        summary.record(result)
        report(result)
    }

    /// A worker's reply pipe ended: reap it, and hand its unanswered images out again (or
    /// report them failed after a second death).
    mutating func retire(_ index: Int, report: (ImageReport) -> Void, warn: (String) -> Void) {
        let slot = slots.remove(at: index)
        if slot.requestsOpen { close(slot.process.requests) }
        close(slot.process.replies)
        let ending = slot.process.reap()
        // Only deaths in a row count, and only of workers that had begun no image: a worker
        // killed from outside (the OOM killer, kill -9) in the middle of its first slow image
        // is bad luck, charged to that image below (which bounds it), not a sign that workers
        // cannot start. (Counted over the whole run, a few such kills stopped it.)
        if let ending, slot.replies == 0, slot.started == nil {
            deathsWithoutProgress += 1
            if deathsWithoutProgress > executor.workers + 2 && summary.workerFailure == nil {
                summary.workerFailure = "workers keep ending before doing any work (last: \(ending))"
            }
        }
        guard !slot.inFlight.isEmpty else { return }
        let outputs = slot.inFlight.flatMap { job.outputRelativePaths(for: paths[Int($0)]).map { job.outputRoot + "/" + $0 } }
        FileIO.removeTemporaries(of: outputs, writtenBy: slot.process.pid)
        if stopping && summary.workerFailure == nil && ending == nil { return }
        warn("worker \(slot.process.pid) ended (\(ending ?? "exit status 0")) with \(slot.inFlight.count) "
            + "image\(slot.inFlight.count == 1 ? "" : "s") unfinished\(stopping ? "" : "; retrying them on another worker")")
        if stopping { return }
        // Only the image the worker said it had begun is charged with the death; the others had
        // not been started (a worker that dies between images is charged nothing).
        for imageIndex in slot.inFlight {
            if imageIndex == slot.started { deaths[imageIndex, default: 0] += 1 }
            if deaths[imageIndex, default: 0] >= 2 {
                deliver(.failed(ImageFailure(relativePath: paths[Int(imageIndex)],
                                             reason: "its worker ended twice while processing it (\(ending ?? "exit status 0"))",
                                             stopsTheRun: false)), report)
            } else {
                retries.append(imageIndex)
            }
        }
    }
}
