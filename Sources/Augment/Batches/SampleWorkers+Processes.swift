/// The processes executor of a batch run: N worker processes (`augment _sample-worker`) each
/// make the samples sent to them and send back their pixels. Submitted tasks wait in a queue
/// here; each worker is kept at most `inFlightPerWorker` requests ahead, topped up as it
/// replies. That bound matters: a worker blocked writing a large sample stops reading its
/// requests, and a parent that went on writing requests to it would block too.
public struct ProcessSampleWorkers: SampleWorkers {
    /// Requests a worker holds at once: one it works on, one so that it never waits.
    static let inFlightPerWorker = 2

    private var pool: PipeWorkerPool
    private var ready: [Bool]
    private var queued: [[UInt8]] = []
    private var nextQueued = 0
    /// The most requests any worker has held at once (the tests check the bound).
    private(set) var mostRequestsAhead = 0

    /// Starts the workers.
    ///
    /// - Parameters:
    ///   - pipelineText: the pipeline file's text, which the workers parse as the parent did.
    /// - Throws: `BatchRunError` for a worker that cannot start.
    public init(job: BatchJob, pipelineText: String, format: PipelineFileFormat, workers: Int,
                command: [String], environment: [String]? = nil) throws(BatchRunError) {
        let description = SampleJobDescription(root: job.root, pipelineText: pipelineText, format: format, seed: job.seed,
                                               channels: job.channels, maxPixels: job.decoding.maxPixels,
                                               decodesEveryRow: job.decodesEveryRow)
        do {
            pool = try PipeWorkerPool(count: workers, command: command, environment: environment, hello: SampleProtocol.hello,
                                      job: SampleRequest.job(description).framed, name: "sample worker")
        } catch { throw BatchRunError(error.reason) }
        ready = Array(repeating: false, count: pool.count)
    }

    public mutating func submit(task: Int, path: String, epoch: Int) throws(BatchRunError) {
        guard let task32 = UInt32(exactly: task), let epoch32 = UInt32(exactly: epoch) else {
            throw BatchRunError("task \(task) of epoch \(epoch) is beyond what the sample worker protocol numbers (2^32)")
        }
        queued.append(SampleRequest.task(task32, path: path, epoch: epoch32).framed)
        dispatch()
    }

    /// Sends queued requests to ready workers with room, fewest in flight first.
    private mutating func dispatch() {
        while nextQueued < queued.count {
            guard let index = pool.workers.indices.filter({ ready[$0] && pool.workers[$0].owed < Self.inFlightPerWorker })
                .min(by: { pool.workers[$0].owed < pool.workers[$1].owed }) else { break }
            pool.send(queued[nextQueued], to: index, replies: 1)
            mostRequestsAhead = max(mostRequestsAhead, pool.workers[index].owed)
            nextQueued += 1
        }
        if nextQueued == queued.count {
            queued.removeAll(keepingCapacity: true)
            nextQueued = 0
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
            dispatch()
        }
        return collected
    }

    public mutating func finish() { pool.stop() }
}
