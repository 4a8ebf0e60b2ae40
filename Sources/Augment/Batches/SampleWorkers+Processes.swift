/// The processes executor of a batch run: N worker processes (`augment _sample-worker`) each
/// make the samples sent to them and send back their pixels; each task goes to the worker with
/// the fewest in flight. The parent's run decides how many are in flight in all.
public struct ProcessSampleWorkers: SampleWorkers {
    private var pool: PipeWorkerPool
    private var ready: [Bool]
    /// Tasks submitted before their worker was ready, by worker.
    private var waiting: [[[UInt8]]]

    /// Starts the workers.
    ///
    /// - Parameters:
    ///   - pipelineText: the pipeline file's text, which the workers parse as the parent did.
    /// - Throws: `BatchRunError` for a worker that cannot start.
    public init(job: BatchJob, pipelineText: String, format: PipelineFileFormat, workers: Int,
                command: [String], environment: [String]? = nil) throws(BatchRunError) {
        let description = SampleJobDescription(root: job.root, pipelineText: pipelineText, format: format, seed: job.seed,
                                               channels: job.channels, maxPixels: job.decoding.maxPixels)
        do {
            pool = try PipeWorkerPool(count: workers, command: command, environment: environment, hello: SampleProtocol.hello,
                                      job: SampleRequest.job(description).framed, name: "sample worker")
        } catch { throw BatchRunError(error.reason) }
        ready = Array(repeating: false, count: pool.count)
        waiting = Array(repeating: [], count: pool.count)
    }

    public mutating func submit(task: Int, path: String, epoch: Int) throws(BatchRunError) {
        let index = pool.workers.indices.min { pool.workers[$0].owed + waiting[$0].count < pool.workers[$1].owed + waiting[$1].count }!
        let request = SampleRequest.task(UInt32(task), path: path, epoch: UInt32(epoch)).framed
        if ready[index] {
            pool.send(request, to: index, replies: 1)
        } else {
            waiting[index].append(request)
        }
    }

    public mutating func collect() throws(BatchRunError) -> [(task: Int, result: Result<Image, ImageFailure>)] {
        var collected: [(task: Int, result: Result<Image, ImageFailure>)] = []
        while collected.isEmpty {
            let frames: [(worker: Int, type: UInt8, payload: [UInt8])]
            do { frames = try pool.receive() } catch { throw BatchRunError(error.reason) }
            for frame in frames {
                let reply: PipeWorkerReply
                var sample: Image?
                do {
                    reply = try PipeWorkerReply(type: frame.type, payload: frame.payload)
                    if case .done(_, let bytes) = reply { sample = try Image(wireBytes: bytes) }
                } catch {
                    throw BatchRunError("sample worker \(pool.pid(frame.worker))'s reply is malformed: \(error.reason)")
                }
                switch reply {
                case .ready:
                    ready[frame.worker] = true
                    for request in waiting[frame.worker] { pool.send(request, to: frame.worker, replies: 1) }
                    waiting[frame.worker].removeAll()
                case .refused(let reason):
                    throw BatchRunError("sample worker \(pool.pid(frame.worker)) refused the job: \(reason)")
                case .done(let task, _):
                    pool.received(from: frame.worker)
                    collected.append((Int(task), .success(sample!)))
                case .failed(let task, let reason):
                    pool.received(from: frame.worker)
                    collected.append((Int(task), .failure(ImageFailure(relativePath: "", reason: reason, stopsTheRun: false))))
                }
            }
        }
        return collected
    }

    public mutating func finish() { pool.stop() }
}
