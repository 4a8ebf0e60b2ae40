#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker side shared by the bench and sample workers (`augment _bench-worker`,
/// `augment _sample-worker`): the greeting, one job message (type 1) answered `ready` (16) or
/// `refused` (17, then exit 2), then task messages (type 2) run one at a time in the order
/// received, each answered by the reply `run` frames. Requests are read between tasks, without
/// blocking while tasks wait; the worker exits at end of file on `input` (its parent closed
/// the pipe, exited or was killed), ignoring SIGINT (the parent decides) and SIGPIPE.
enum PipeWorkerServer {
    /// Serves until end of file.
    ///
    /// - Parameters:
    ///   - start: builds the job from its payload, or throws why it cannot (the job is refused).
    ///   - tasks: reads a task message's payload.
    ///   - run: runs one task and returns its reply (`done` or `failed`).
    /// - Returns: the exit status: 0 at end of file, 2 for a protocol violation or a refused job.
    /// - Complexity: the tasks' work; memory: the job and the tasks received and not yet run.
    static func serve<Task>(hello: [UInt8], input: Int32, output: Int32,
                            start: ([UInt8]) throws(WireError) -> Void, tasks: ([UInt8]) throws(WireError) -> [Task],
                            run: (Task) -> PipeWorkerReply) -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        guard PipeIO.writeAll(output, hello) else { return 0 }
        var buffer: [UInt8] = []
        while buffer.count < hello.count {
            if PipeIO.readSome(input, into: &buffer) == 0 { return 0 }
        }
        func refuse(_ reason: String) -> Int32 {
            _ = PipeIO.writeAll(output, PipeWorkerReply.refused(reason: reason).framed)
            return 2
        }
        guard Array(buffer.prefix(hello.count)) == hello else { return refuse("expected the greeting \(hello)") }
        buffer.removeFirst(hello.count)

        var started = false
        var queue: [Task] = []
        var next = 0
        while true {
            // Handle every whole request received so far (the first read may bring the job with
            // the greeting), then block for more only when there is nothing to run.
            let frames: [(type: UInt8, payload: [UInt8])]
            do { frames = try WorkerProtocol.takeFrames(from: &buffer) } catch { return refuse(error.reason) }
            for frame in frames {
                switch frame.type {
                case 1:
                    guard !started else { return refuse("a second job") }
                    do { try start(frame.payload) } catch { return refuse(error.reason) }
                    started = true
                    guard PipeIO.writeAll(output, PipeWorkerReply.ready.framed) else { return 0 }
                case 2:
                    guard started else { return refuse("tasks before the job") }
                    do { queue += try tasks(frame.payload) } catch { return refuse(error.reason) }
                default:
                    return refuse("unknown request type \(frame.type)")
                }
            }
            if next == queue.count || PipeIO.isReadable(input) {
                if PipeIO.readSome(input, into: &buffer) == 0 { return 0 }
                continue
            }
            let task = queue[next]
            next += 1
            if next == queue.count {
                queue.removeAll(keepingCapacity: true)
                next = 0
            }
            guard PipeIO.writeAll(output, run(task).framed) else { return 0 }
        }
    }
}
