import Dispatch

/// Makes samples (`BatchJob.sample(_:epoch:)`) for a batch run: serially, on threads or on
/// worker processes. The run submits tasks, at most a bounded number ahead of what it has
/// consumed, and collects them as they finish, in any order; it puts them back in order itself.
public protocol SampleWorkers {
    /// Starts making the sample of task `task`: the image at `path` for `epoch`.
    mutating func submit(task: Int, path: String, epoch: Int) throws(BatchRunError)
    /// Waits until at least one submitted task has finished (there must be one in flight) and
    /// returns every task finished since the last call.
    mutating func collect() throws(BatchRunError) -> [(task: Int, result: Result<Image, ImageFailure>)]
    /// Stops the workers: at the end of a run, or when it fails.
    mutating func finish()
}

/// Why a batch run stopped before its end.
public struct BatchRunError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The serial executor: each sample is made when it is collected, on the calling thread.
public struct SerialSampleWorkers: SampleWorkers {
    let job: BatchJob
    private var pending: [(task: Int, path: String, epoch: Int)] = []
    private var next = 0

    public init(job: BatchJob) { self.job = job }

    public mutating func submit(task: Int, path: String, epoch: Int) throws(BatchRunError) {
        pending.append((task, path, epoch))
    }

    public mutating func collect() throws(BatchRunError) -> [(task: Int, result: Result<Image, ImageFailure>)] {
        let item = pending[next]
        next += 1
        if next == pending.count {
            pending.removeAll(keepingCapacity: true)
            next = 0
        }
        do { return [(item.task, .success(try job.sample(item.path, epoch: item.epoch)))] } catch {
            return [(item.task, .failure(error))]
        }
    }

    public mutating func finish() {}
}

/// The threads executor: N OS threads take submitted tasks from a shared queue and post their
/// samples; nothing but the queue and the results is shared, each under its own lock.
///
/// `@unchecked Sendable`: the threads share only the immutable job, the two locked values and
/// the semaphores; `threads` is touched by the owner alone (in `init` and `finish`).
public final class ThreadSampleWorkers: SampleWorkers, @unchecked Sendable {
    private let job: BatchJob
    private let queue = LockedState<(items: [(task: Int, path: String, epoch: Int)], next: Int)>(([], 0))
    private let results = LockedState<[(task: Int, result: Result<Image, ImageFailure>)]>([])
    private let work = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var threads: [OSThread] = []

    public init(job: BatchJob, workers: Int) {
        self.job = job
        threads = (0..<max(workers, 1)).map { _ in OSThread { [self] in serve() } }
    }

    private func serve() {
        while true {
            work.wait()
            let item: (task: Int, path: String, epoch: Int)? = queue.withLock { state in
                guard state.next < state.items.count else { return nil }
                defer { state.next += 1 }
                return state.items[state.next]
            }
            guard let item else { return }  // finished: a wake-up with nothing queued
            let result: Result<Image, ImageFailure>
            do { result = .success(try job.sample(item.path, epoch: item.epoch)) } catch { result = .failure(error) }
            results.withLock { $0.append((item.task, result)) }
            done.signal()
        }
    }

    public func submit(task: Int, path: String, epoch: Int) throws(BatchRunError) {
        queue.withLock { state in
            if state.next == state.items.count && state.next > 0 {
                state.items.removeAll(keepingCapacity: true)
                state.next = 0
            }
            state.items.append((task, path, epoch))
        }
        work.signal()
    }

    public func collect() throws(BatchRunError) -> [(task: Int, result: Result<Image, ImageFailure>)] {
        done.wait()
        // Take everything posted; the semaphore counted each, so consume the extra counts too.
        let taken = results.withLock { posted in
            defer { posted.removeAll(keepingCapacity: true) }
            return posted
        }
        for _ in 1..<max(taken.count, 1) { done.wait() }
        return taken
    }

    public func finish() {
        // Drop what was not started; each thread wakes once more, finds nothing and ends.
        queue.withLock { state in
            state.items.removeAll()
            state.next = 0
        }
        for _ in threads { work.signal() }
        for thread in threads { thread.join() }
        threads.removeAll()
    }
}
