/// The worker side of `augment batches --executor processes`: what `augment _sample-worker`
/// runs (SampleProtocol, served by `PipeWorkerServer`). It rebuilds the parent's `BatchJob`,
/// then makes one sample at a time and sends its pixels back.
public enum SampleWorkerServer {
    /// Serves one job until the parent closes the request pipe.
    ///
    /// - Returns: the exit status: 0 at end of file, 2 for a protocol violation or a job that
    ///   cannot be built.
    /// - Complexity: the samples' work; memory: one image at a time.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        // One BLAS thread per worker (the workers are the parallelism), unless the user chose.
        if !BLAS.userChoseThreadCount { BLAS.threadCount = 1 }
        var job: BatchJob?
        return PipeWorkerServer.serve(
            hello: SampleProtocol.hello, input: input, output: output,
            start: { payload throws(WireError) in
                guard case .job(let description) = try SampleRequest(type: 1, payload: payload) else {
                    throw WireError(reason: "not a job")
                }
                job = try description.job()
            },
            tasks: { payload throws(WireError) in
                guard case .task(let task, let path, let epoch) = try SampleRequest(type: 2, payload: payload) else {
                    throw WireError(reason: "not a task")
                }
                return [(task, path, Int(epoch))]
            },
            run: { (task: (UInt32, String, Int)) in
                do throws(ImageFailure) {
                    return .done(task: task.0, result: try job!.sample(task.1, epoch: task.2).wireBytes)
                } catch {
                    return .failed(task: task.0, reason: error.reason)
                }
            })
    }
}

extension SampleJobDescription {
    /// The job this describes.
    ///
    /// - Throws: the reason, for a pipeline that does not parse or has no fixed output size.
    func job() throws(WireError) -> BatchJob {
        do {
            let pipeline = try Pipeline(parsing: pipelineText, format: format)
            return try BatchJob(root: root, pipeline: pipeline, seed: seed, channels: channels, maxPixels: maxPixels,
                                decodesEveryRow: decodesEveryRow)
        } catch let error as PipelineFileError {
            throw WireError(reason: error.description)
        } catch {
            throw WireError(reason: "\(error)")
        }
    }
}
