/// The worker side of `augment bench --executor processes`: what `augment _bench-worker` runs
/// (BenchProtocol, served by `PipeWorkerServer`). It builds the task set's inputs, then runs
/// one task at a time, timing each on `MonotonicClock`.
public enum BenchWorkerServer {
    /// Serves one task set until the parent closes the request pipe.
    ///
    /// - Returns: the exit status: 0 at end of file, 2 for a protocol violation or inputs that
    ///   cannot be built.
    /// - Complexity: the tasks' work; memory: the task set's inputs.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        var work: BenchWork?
        return PipeWorkerServer.serve(
            hello: BenchProtocol.hello, input: input, output: output,
            start: { payload throws(WireError) in
                guard case .taskSet(let taskSet) = try BenchRequest(type: 1, payload: payload) else {
                    throw WireError(reason: "not a task set")
                }
                do throws(BenchError) { work = try BenchWork(taskSet) } catch { throw WireError(reason: error.reason) }
            },
            tasks: { payload throws(WireError) in
                guard case .tasks(let tasks) = try BenchRequest(type: 2, payload: payload),
                      let work, tasks.allSatisfy({ Int($0) < work.taskSet.tasks }) else {
                    throw WireError(reason: "a task number out of range")
                }
                return tasks
            },
            run: { (task: UInt32) in
                let start = MonotonicClock.now()
                do throws(BenchError) {
                    let checksum = try work!.run(task: Int(task))
                    return .done(task: task, result: BenchTaskResult(start: start, stop: MonotonicClock.now(), checksum: checksum).bytes)
                } catch {
                    return .failed(task: task, reason: error.reason)
                }
            })
    }
}
