#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker side of `augment bench --executor processes`: what `augment _bench-worker` runs.
/// It reads requests on `input` and writes replies on `output` (BenchProtocol), running one
/// task at a time, and exits at end of file on its request pipe (its parent closed it, exited
/// or was killed), checked between tasks. It ignores SIGINT (the parent decides) and SIGPIPE.
public enum BenchWorkerServer {
    /// Serves one task set until the parent closes the request pipe.
    ///
    /// - Returns: the exit status: 0 at end of file, 2 for a protocol violation or inputs that
    ///   cannot be built.
    /// - Complexity: the tasks' work; memory: the task set's inputs.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        guard PipeIO.writeAll(output, BenchProtocol.hello) else { return 0 }
        var buffer: [UInt8] = []
        while buffer.count < BenchProtocol.hello.count {
            if PipeIO.readSome(input, into: &buffer) == 0 { return 0 }
        }
        func refuse(_ reason: String) -> Int32 {
            _ = PipeIO.writeAll(output, BenchReply.refused(reason: reason).framed)
            return 2
        }
        guard Array(buffer.prefix(BenchProtocol.hello.count)) == BenchProtocol.hello else {
            return refuse("expected bench worker protocol \(BenchProtocol.version)")
        }
        buffer.removeFirst(BenchProtocol.hello.count)

        var work: BenchWork?
        var queue: [UInt32] = []
        while true {
            // Handle every whole request received so far (the first read may have brought the
            // task set with the greeting), then block for more only when there is nothing to run.
            let frames: [(type: UInt8, payload: [UInt8])]
            do { frames = try WorkerProtocol.takeFrames(from: &buffer) } catch { return refuse(error.reason) }
            for frame in frames {
                let request: BenchRequest
                do { request = try BenchRequest(type: frame.type, payload: frame.payload) } catch { return refuse(error.reason) }
                switch request {
                case .taskSet(let taskSet):
                    guard work == nil else { return refuse("a second task set") }
                    do { work = try BenchWork(taskSet) } catch { return refuse(error.reason) }
                    guard PipeIO.writeAll(output, BenchReply.ready.framed) else { return 0 }
                case .tasks(let tasks):
                    guard let work else { return refuse("tasks before the task set") }
                    guard tasks.allSatisfy({ Int($0) < work.taskSet.tasks }) else { return refuse("a task number out of range") }
                    queue += tasks
                }
            }
            if queue.isEmpty || PipeIO.isReadable(input) {
                if PipeIO.readSome(input, into: &buffer) == 0 { return 0 }
                continue
            }
            guard let work else { continue }
            let task = queue.removeFirst()
            let start = MonotonicClock.now()
            let reply: BenchReply
            do {
                let checksum = try work.run(task: Int(task))
                reply = .done(task: task, start: start, stop: MonotonicClock.now(), checksum: checksum)
            } catch {
                reply = .failed(task: task, reason: error.reason)
            }
            guard PipeIO.writeAll(output, reply.framed) else { return 0 }
        }
    }
}
