#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker side of the process executor: what `augment _worker` runs. It reads requests
/// on `input` (its standard input, the parent's request pipe) and writes replies on `output`
/// (its standard output), processing one image at a time and writing the outputs itself.
///
/// A worker never outlives its parent: it exits at end of file on its request pipe, which the
/// kernel delivers when the parent closes it, exits, or is killed (even by SIGKILL). It checks
/// for that between images, without a timer. It ignores SIGINT (Ctrl-C reaches the whole
/// process group; the parent decides how to stop) and SIGPIPE (a write to a dead parent fails
/// and the worker exits).
public enum WorkerServer {
    /// Serves one job until the parent closes the request pipe.
    ///
    /// - Returns: the exit status: 0 at end of file, 2 for a protocol violation or a job that
    ///   cannot be built.
    /// - Complexity: O(work handed to it); memory: one image plus the chunks received and not
    ///   yet processed.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        // One BLAS thread per worker (the workers are the parallelism), unless the user chose.
        if !BLAS.userChoseThreadCount { BLAS.threadCount = 1 }

        guard PipeIO.writeAll(output, WorkerProtocol.hello) else { return 0 }
        var buffer: [UInt8] = []
        while buffer.count < WorkerProtocol.hello.count {
            if PipeIO.readSome(input, into: &buffer) == 0 { return 0 }
        }
        guard Array(buffer.prefix(WorkerProtocol.hello.count)) == WorkerProtocol.hello else {
            _ = PipeIO.writeAll(output, WorkerReply.refused(reason: "expected worker protocol \(WorkerProtocol.version)").framed)
            return 2
        }
        buffer.removeFirst(WorkerProtocol.hello.count)

        var job: FolderJob?
        var wantsEntries = false
        var queue: [(index: UInt32, path: String)] = []
        var queueStart = 0
        var reported = 0
        var open = true
        /// Handles the whole messages in `buffer`; an exit status when the worker must stop.
        func handleBuffered() -> Int32? {
            let frames: [(type: UInt8, payload: [UInt8])]
            do { frames = try WorkerProtocol.takeFrames(from: &buffer) } catch { return refuse(error.reason) }
            for frame in frames {
                let request: WorkerRequest
                do { request = try WorkerRequest(type: frame.type, payload: frame.payload) } catch { return refuse(error.reason) }
                switch request {
                case .job(let description):
                    guard job == nil else { return refuse("a second job") }
                    do { job = try description.unlistedJob() } catch { return refuse(error.reason) }
                    wantsEntries = description.wantsEntries
                    guard PipeIO.writeAll(output, WorkerReply.ready.framed) else { return 0 }
                case .chunk(let items):
                    guard job != nil else { return refuse("a chunk before the job") }
                    if queueStart == queue.count {
                        queue.removeAll(keepingCapacity: true)
                        queueStart = 0
                    }
                    queue += items
                }
            }
            return nil
        }
        /// Reads everything available (blocking first when `wait`) and handles whole messages.
        /// Draining the pipe matters: end of file is seen only once the pipe is empty, so a chunk
        /// the parent sent before it stopped the run (Ctrl-C) must be read now, to learn that the
        /// parent has closed the pipe, rather than started.
        func receive(wait: Bool) -> Int32? {
            var mayBlock = wait
            while mayBlock || PipeIO.isReadable(input) {
                mayBlock = false
                if PipeIO.readSome(input, into: &buffer) == 0 {
                    open = false
                    return nil
                }
                if let status = handleBuffered() { return status }
            }
            return nil
        }
        func refuse(_ reason: String) -> Int32 {
            _ = PipeIO.writeAll(output, WorkerReply.refused(reason: reason).framed)
            return 2
        }

        if let status = handleBuffered() { return status }
        while open {
            if let status = receive(wait: queueStart == queue.count) { return status }
            guard open, let job, queueStart < queue.count else { continue }
            let item = queue[queueStart]
            queueStart += 1
            guard PipeIO.writeAll(output, WorkerReply.started(index: item.index).framed) else { return 0 }
            TestHooks.workerMayDie(before: item.path)
            let reply: WorkerReply
            do {
                let outcome = try job.attempt(item.path, wantsEntries: wantsEntries)
                let entries = wantsEntries ? outcome.entries.map(\.jsonLine) : []
                switch outcome {
                case .skipped:
                    reply = .done(index: item.index, skipped: true, outputs: 0, entries: entries)
                case .written(let outputs, _):
                    reply = .done(index: item.index, skipped: false, outputs: UInt32(outputs), entries: entries)
                }
            } catch {
                reply = .failed(index: item.index, reason: error.reason, stopsTheRun: error.stopsTheRun)
            }
            guard PipeIO.writeAll(output, reply.framed) else { return 0 }
            reported += 1
            TestHooks.workerMayDie(afterReporting: reported)
        }
        return 0
    }
}
