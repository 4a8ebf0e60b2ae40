import Dispatch
import Synchronization

extension FolderJob {
    /// Processes `paths` on `workers` OS threads of this process, which take chunks of paths
    /// (`ChunkPlan`) from a shared queue: an atomic cursor over the sorted list, so taking work
    /// is one atomic increment and the queue holds nothing but the list. The pixel work runs
    /// with no lock at all (a `FolderJob` is immutable and every image writes its own files);
    /// only the hand-over of results takes a lock.
    ///
    /// `report` is called on the calling thread, once per image, as results arrive (the calling
    /// thread only waits and reports). The outputs are the serial executor's, byte for byte:
    /// what an image draws depends only on the seed, its path and the copy. A failure that
    /// `stopsTheRun` or a `stop` request stops every thread before its next image.
    ///
    /// - Complexity: O(total work / workers) time; memory O(workers) images plus the results
    ///   not yet reported (drained as they arrive).
    public func runOnThreads(paths: [String], workers: Int, wantsEntries: Bool = false,
                             stop: StopRequest = StopRequest(), report: (ImageReport) -> Void) -> RunSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        let shared = ThreadRunState(workers: workers)
        let chunkSize = ChunkPlan.size(images: paths.count, workers: workers)
        let threads = (0..<max(workers, 1)).map { _ in
            OSThread { [self] in
                defer { shared.finish() }
                while !stop.isRequested && !shared.isStopped {
                    let first = shared.cursor.add(chunkSize, ordering: .relaxed).oldValue
                    if first >= paths.count { return }
                    for path in paths[first..<min(first + chunkSize, paths.count)] {
                        if stop.isRequested || shared.isStopped { return }
                        do throws(ImageFailure) {
                            shared.post(.done(relativePath: path, try attempt(path, wantsEntries: wantsEntries)))
                        } catch {
                            if error.stopsTheRun { shared.stopAll() }
                            shared.post(.failed(error))
                        }
                    }
                }
            }
        }
        var summary = RunSummary()
        var finished = false
        while !finished {
            shared.signal.wait()
            let (reports, allFinished) = shared.take()
            for result in reports {
                summary.record(result)
                report(result)
            }
            finished = allFinished
        }
        for thread in threads { thread.join() }
        summary.interrupted = stop.isRequested && summary.stoppedBy == nil && summary.imagesReported < paths.count
        summary.notAttempted = paths.count - summary.imagesReported
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}

/// What the threads of one `runOnThreads` call share.
private final class ThreadRunState: Sendable {
    /// The index of the next path to hand out.
    let cursor = Atomic<Int>(0)
    /// Signalled once per posted result and once per finished thread.
    let signal = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let pending = LockedState<(reports: [ImageReport], running: Int)>(([], 0))

    init(workers: Int) {
        pending.withLock { $0.running = max(workers, 1) }
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }
    func stopAll() { stopped.store(true, ordering: .releasing) }

    func post(_ report: ImageReport) {
        pending.withLock { $0.reports.append(report) }
        signal.signal()
    }

    func finish() {
        pending.withLock { $0.running -= 1 }
        signal.signal()
    }

    /// The results posted so far, and whether every thread has finished (so none will follow).
    func take() -> ([ImageReport], Bool) {
        pending.withLock { state in
            let reports = state.reports
            state.reports.removeAll(keepingCapacity: true)
            return (reports, state.running == 0)
        }
    }
}
