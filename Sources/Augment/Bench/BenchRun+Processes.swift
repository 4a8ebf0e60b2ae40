#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BenchTaskSet {
    /// Runs the tasks on `workers` worker processes started from `command` (`[augment,
    /// "_bench-worker"]`), each building its own inputs (a process shares no memory with its
    /// parent: that, and starting, are what processes cost) and then taking task numbers over
    /// its request pipe, two in flight so that it never waits for the next. The time runs from
    /// before the first worker is started to the last task's reply; timestamps come from the
    /// workers' own `MonotonicClock`, shared by every process.
    ///
    /// - Complexity: the tasks' time / workers at best, plus start-up; O(tasks) memory.
    /// - Throws: `BenchError` for a worker that cannot start, refuses the task set, fails a task
    ///   or ends early (naming its pid and how it ended). Every worker is stopped and reaped
    ///   before this returns.
    public func runOnProcesses(workers: Int, command: [String], environment: [String]? = nil) throws(BenchError) -> BenchRun {
        let previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previousPipeHandler) }
        var run = BenchProcessRun(taskSet: self, lanes: max(workers, 1))
        defer { run.stopAll() }
        try run.start(command: command, environment: environment)
        try run.loop()
        return BenchRun(executor: .processes, workers: run.lanes,
                        seconds: BenchWork.seconds(run.finish, since: run.begin),
                        spans: run.spans.sorted { $0.task < $1.task }, checksum: run.checksum)
    }
}

/// The state of one `runOnProcesses`.
private struct BenchProcessRun {
    struct Slot {
        var process: WorkerProcess
        var incoming: [UInt8] = []
        var greeted = false
        var inFlight = 0
        var requestsOpen = true
        /// Its reply pipe reached end of file and it was reaped.
        var ended = false
    }

    let taskSet: BenchTaskSet
    let lanes: Int
    var slots: [Slot] = []
    var spans: [TaskSpan] = []
    var checksum: UInt64 = 0
    var nextTask = 0
    let begin = MonotonicClock.now()
    var finish: UInt64 = 0

    init(taskSet: BenchTaskSet, lanes: Int) {
        self.taskSet = taskSet
        self.lanes = lanes
    }

    mutating func start(command: [String], environment: [String]?) throws(BenchError) {
        for _ in 0..<lanes {
            let process: WorkerProcess
            do { process = try WorkerProcess.spawn(command, environment: environment) } catch { throw BenchError(error.description) }
            slots.append(Slot(process: process))
            // Requests are a few bytes each and never more than two tasks are queued, so these
            // writes always fit in the pipe.
            _ = PipeIO.writeAll(process.requests, BenchProtocol.hello + BenchRequest.taskSet(taskSet).framed)
        }
    }

    mutating func loop() throws(BenchError) {
        while spans.count < taskSet.tasks {
            var descriptors = slots.map { pollfd(fd: $0.ended ? -1 : $0.process.replies, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                throw BenchError("cannot wait for the workers: \(String(cString: strerror(errno)))")
            }
            for lane in slots.indices where descriptors[lane].revents != 0 {
                if PipeIO.readSome(slots[lane].process.replies, into: &slots[lane].incoming) == 0 {
                    slots[lane].ended = true
                    let ending = slots[lane].process.reap()
                    if slots[lane].requestsOpen || slots[lane].inFlight > 0 || ending != nil {
                        throw BenchError("bench worker \(slots[lane].process.pid) ended (\(ending ?? "exit status 0")) "
                            + "before its tasks were done")
                    }
                    continue
                }
                try handleReplies(lane)
            }
        }
        finish = MonotonicClock.now()
    }

    mutating func handleReplies(_ lane: Int) throws(BenchError) {
        let pid = slots[lane].process.pid
        if !slots[lane].greeted {
            guard slots[lane].incoming.count >= BenchProtocol.hello.count else { return }
            guard Array(slots[lane].incoming.prefix(BenchProtocol.hello.count)) == BenchProtocol.hello else {
                throw BenchError("bench worker \(pid) does not speak bench protocol \(BenchProtocol.version)")
            }
            slots[lane].incoming.removeFirst(BenchProtocol.hello.count)
            slots[lane].greeted = true
        }
        do {
            for frame in try WorkerProtocol.takeFrames(from: &slots[lane].incoming) {
                switch try BenchReply(type: frame.type, payload: frame.payload) {
                case .ready:
                    feed(lane, upTo: 2)
                case .refused(let reason):
                    throw BenchError("bench worker \(pid) refused the task set: \(reason)")
                case .failed(_, let reason):
                    throw BenchError(reason)
                case .done(let task, let start, let stop, let taskChecksum):
                    spans.append(TaskSpan(task: Int(task), lane: lane, start: BenchWork.seconds(start, since: begin),
                                          stop: BenchWork.seconds(stop, since: begin)))
                    checksum &+= taskChecksum
                    slots[lane].inFlight -= 1
                    feed(lane, upTo: 2)
                }
            }
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("bench worker \(pid)'s reply is malformed: \(error)")
        }
    }

    /// Sends worker `lane` tasks until it has `limit` in flight, or closes its request pipe
    /// (so that it exits) when none remain and it has finished.
    mutating func feed(_ lane: Int, upTo limit: Int) {
        guard slots[lane].requestsOpen else { return }
        var tasks: [UInt32] = []
        while slots[lane].inFlight + tasks.count < limit && nextTask < taskSet.tasks {
            tasks.append(UInt32(nextTask))
            nextTask += 1
        }
        if !tasks.isEmpty {
            slots[lane].inFlight += tasks.count
            _ = PipeIO.writeAll(slots[lane].process.requests, BenchRequest.tasks(tasks).framed)
        } else if slots[lane].inFlight == 0 {
            close(slots[lane].process.requests)
            slots[lane].requestsOpen = false
        }
    }

    /// Closes every request pipe (workers exit between tasks) and reaps every worker.
    mutating func stopAll() {
        for lane in slots.indices {
            if slots[lane].requestsOpen { close(slots[lane].process.requests) }
            slots[lane].requestsOpen = false
        }
        for slot in slots {
            close(slot.process.replies)
            if !slot.ended { _ = slot.process.reap() }
        }
        slots.removeAll()
    }
}
