import Synchronization

/// How a benchmark run schedules its tasks: the three executors of `augment run`.
public enum BenchExecutorKind: String, Sendable, CaseIterable {
    /// Every task in order on the calling thread.
    case serial
    /// N OS threads of this process taking tasks from a shared queue.
    case threads
    /// N worker processes of this executable, fed tasks over pipes.
    case processes
}

/// What one run of a task set did.
public struct BenchRun: Sendable {
    public var executor: BenchExecutorKind
    public var workers: Int
    /// Wall seconds from the moment the executor started (threads or workers not yet started)
    /// to the last task's end.
    public var seconds: Double
    /// Every task's span, in task order.
    public var spans: [TaskSpan]
    /// The tasks' checksums, combined (independent of the order they ran in).
    public var checksum: UInt64
}

extension BenchWork {
    /// Runs every task in order on the calling thread.
    ///
    /// - Complexity: the tasks' time; O(tasks) memory for the spans.
    /// - Throws: the first task's `BenchError`.
    public func runSerially() throws(BenchError) -> BenchRun {
        let start = MonotonicClock.now()
        var spans: [TaskSpan] = []
        spans.reserveCapacity(taskSet.tasks)
        var checksum: UInt64 = 0
        for task in 0..<taskSet.tasks {
            let begun = MonotonicClock.now()
            checksum &+= try run(task: task)
            spans.append(TaskSpan(task: task, lane: 0, start: Self.seconds(begun, since: start),
                                  stop: Self.seconds(MonotonicClock.now(), since: start)))
        }
        return BenchRun(executor: .serial, workers: 1, seconds: Self.seconds(MonotonicClock.now(), since: start),
                        spans: spans, checksum: checksum)
    }

    /// Runs the tasks on `workers` new OS threads, which take task numbers one at a time from an
    /// atomic counter (the tasks are long next to an atomic increment) and share this work's
    /// inputs without any lock. The time includes starting and joining the threads.
    ///
    /// - Complexity: the tasks' time / workers at best; O(tasks) memory for the spans.
    /// - Throws: the first failing task's `BenchError`; the others stop before their next task.
    public func runOnThreads(workers: Int) throws(BenchError) -> BenchRun {
        let lanes = max(workers, 1)
        let shared = ThreadBenchState()
        let start = MonotonicClock.now()
        let threads = (0..<lanes).map { lane in
            OSThread { [self] in
                var spans: [TaskSpan] = []
                var checksum: UInt64 = 0
                while !shared.failed.load(ordering: .relaxed) {
                    let task = shared.cursor.add(1, ordering: .relaxed).oldValue
                    if task >= taskSet.tasks { break }
                    let begun = MonotonicClock.now()
                    do throws(BenchError) {
                        checksum &+= try run(task: task)
                    } catch {
                        shared.fail(error)
                        break
                    }
                    spans.append(TaskSpan(task: task, lane: lane, start: Self.seconds(begun, since: start),
                                          stop: Self.seconds(MonotonicClock.now(), since: start)))
                }
                shared.finish(spans: spans, checksum: checksum)
            }
        }
        for thread in threads { thread.join() }
        let seconds = Self.seconds(MonotonicClock.now(), since: start)
        let (spans, checksum, failure) = shared.results()
        if let failure { throw failure }
        return BenchRun(executor: .threads, workers: lanes, seconds: seconds,
                        spans: spans.sorted { $0.task < $1.task }, checksum: checksum)
    }

    /// Seconds from `start` to `time`, both `MonotonicClock` readings.
    static func seconds(_ time: UInt64, since start: UInt64) -> Double {
        Double(Int64(bitPattern: time &- start)) / 1e9
    }
}

/// What the threads of one `runOnThreads` share.
private final class ThreadBenchState: Sendable {
    let cursor = Atomic<Int>(0)
    let failed = Atomic<Bool>(false)
    private let collected = LockedState<(spans: [TaskSpan], checksum: UInt64, failure: BenchError?)>(([], 0, nil))

    func fail(_ error: BenchError) {
        collected.withLock { if $0.failure == nil { $0.failure = error } }
        failed.store(true, ordering: .relaxed)
    }

    func finish(spans: [TaskSpan], checksum: UInt64) {
        collected.withLock {
            $0.spans += spans
            $0.checksum &+= checksum
        }
    }

    func results() -> (spans: [TaskSpan], checksum: UInt64, failure: BenchError?) {
        collected.withLock { $0 }
    }
}
