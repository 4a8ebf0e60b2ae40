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
        let begin = MonotonicClock.now()
        var pool: PipeWorkerPool
        do {
            pool = try PipeWorkerPool(count: workers, command: command, environment: environment, hello: BenchProtocol.hello,
                                      job: BenchRequest.taskSet(self).framed, name: "bench worker")
        } catch { throw BenchError(error.reason) }
        defer { pool.stop() }
        var spans: [TaskSpan] = []
        var checksum: UInt64 = 0
        var nextTask = 0
        /// Keeps worker `index` two tasks ahead while there are more tasks left than workers
        /// (so that it never waits for its next), one otherwise (so that the first worker ready
        /// cannot take a share another would run at once), and lets it exit when none remain.
        func feed(_ index: Int) {
            while pool.workers[index].owed < (tasks - nextTask > pool.count ? 2 : 1) && nextTask < tasks {
                pool.send(BenchRequest.tasks([UInt32(nextTask)]).framed, to: index, replies: 1)
                nextTask += 1
            }
            if pool.workers[index].owed == 0 && nextTask == tasks { pool.close(index) }
        }
        while spans.count < tasks {
            let frames: [(worker: Int, type: UInt8, payload: [UInt8])]
            do { frames = try pool.receive() } catch { throw BenchError(error.reason) }
            for frame in frames {
                let reply: PipeWorkerReply
                var result = BenchTaskResult(start: 0, stop: 0, checksum: 0)
                do {
                    reply = try PipeWorkerReply(type: frame.type, payload: frame.payload)
                    if case .done(_, let bytes) = reply { result = try BenchTaskResult(bytes: bytes) }
                } catch {
                    throw BenchError("bench worker \(pool.pid(frame.worker))'s reply is malformed: \(error.reason)")
                }
                switch reply {
                case .ready:
                    feed(frame.worker)
                case .refused(let reason):
                    throw BenchError("bench worker \(pool.pid(frame.worker)) refused the task set: \(reason)")
                case .failed(let task, let reason):
                    throw BenchError("task \(task) on bench worker \(pool.pid(frame.worker)): \(reason)")
                case .done(let task, _):
                    spans.append(TaskSpan(task: Int(task), lane: frame.worker, start: BenchWork.seconds(result.start, since: begin),
                                          stop: BenchWork.seconds(result.stop, since: begin)))
                    checksum &+= result.checksum
                    pool.received(from: frame.worker)
                    feed(frame.worker)
                }
            }
        }
        let finish = MonotonicClock.now()
        return BenchRun(executor: .processes, workers: pool.count, seconds: BenchWork.seconds(finish, since: begin),
                        spans: spans.sorted { $0.task < $1.task }, checksum: checksum)
    }
}
