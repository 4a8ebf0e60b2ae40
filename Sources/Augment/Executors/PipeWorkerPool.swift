#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parent side shared by the bench and sample executors: N worker processes started from
/// one command, each sent the greeting and the job, then fed request frames; their replies are
/// collected with `poll` as whole frames, with the greeting checked and taken off. A worker
/// whose reply pipe ends while it owes replies (or that exits with a failure) is an error
/// naming its pid and how it ended. `stop()` closes every request pipe (workers exit between
/// tasks) and reaps every worker.
struct PipeWorkerPool {
    struct Worker {
        var process: WorkerProcess
        var incoming: [UInt8] = []
        var greeted = false
        var requestsOpen = true
        /// Replies still owed: set by the caller as it sends requests.
        var owed = 0
        /// Its reply pipe reached end of file and it was reaped.
        var ended = false
    }

    private(set) var workers: [Worker] = []
    let hello: [UInt8]
    let name: String
    /// SIGPIPE's disposition before the pool: ignored while it lives, so that a write to a
    /// worker that died fails with EPIPE instead of killing this process; restored by `stop()`.
    private let previousPipeHandler: sighandler_t?

    /// Starts `count` workers and sends each `hello` and `job` (a framed message).
    ///
    /// - Parameter name: how messages call a worker ("bench worker").
    /// - Throws: `FileError`'s description for a worker that cannot start (those started are
    ///   stopped first).
    init(count: Int, command: [String], environment: [String]?, hello: [UInt8], job: [UInt8], name: String) throws(WireError) {
        self.hello = hello
        self.name = name
        previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        for _ in 0..<max(count, 1) {
            let process: WorkerProcess
            do { process = try WorkerProcess.spawn(command, environment: environment) } catch {
                stop()
                throw WireError(reason: error.description)
            }
            workers.append(Worker(process: process))
            // Writes to these workers block: a job (which carries a pipeline's text) may be
            // larger than a pipe holds, and a worker reads all of it before it writes more than
            // its greeting, so a blocking write cannot deadlock. Later requests are small, and the
            // pool's users keep each worker at most two ahead, so they never fill its pipe.
            _ = fcntl(process.requests, F_SETFL, fcntl(process.requests, F_GETFL) & ~O_NONBLOCK)
            guard PipeIO.writeAll(process.requests, hello + job) else {
                // The worker is gone already; its reply pipe's end of file will say how.
                continue
            }
        }
    }

    var count: Int { workers.count }

    /// Sends a framed request to worker `index` and counts `replies` more owed by it.
    mutating func send(_ request: [UInt8], to index: Int, replies: Int) {
        guard workers[index].requestsOpen else { return }
        workers[index].owed += replies
        _ = PipeIO.writeAll(workers[index].process.requests, request)
    }

    /// Counts one reply received from worker `index`.
    mutating func received(from index: Int) { workers[index].owed -= 1 }

    /// Closes worker `index`'s request pipe: it exits once it has replied to everything.
    mutating func close(_ index: Int) {
        guard workers[index].requestsOpen else { return }
        Glibc.close(workers[index].process.requests)
        workers[index].requestsOpen = false
    }

    /// Waits for replies and returns the whole frames that arrived, with the worker of each.
    ///
    /// - Throws: `WireError` naming the worker for a wrong greeting, a malformed frame, or a
    ///   worker that ended while it owed replies or exited with a failure.
    mutating func receive() throws(WireError) -> [(worker: Int, type: UInt8, payload: [UInt8])] {
        while true {
            var descriptors = workers.map { pollfd(fd: $0.ended ? -1 : $0.process.replies, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                throw WireError(reason: "cannot wait for the workers: \(String(cString: strerror(errno)))")
            }
            var frames: [(worker: Int, type: UInt8, payload: [UInt8])] = []
            for index in workers.indices where descriptors[index].revents != 0 {
                let pid = workers[index].process.pid
                if PipeIO.readSome(workers[index].process.replies, into: &workers[index].incoming) == 0 {
                    workers[index].ended = true
                    let ending = workers[index].process.reap()
                    if workers[index].requestsOpen || workers[index].owed > 0 || ending != nil {
                        throw WireError(reason: "\(name) \(pid) ended (\(ending ?? "exit status 0")) before its work was done")
                    }
                    continue
                }
                if !workers[index].greeted {
                    guard workers[index].incoming.count >= hello.count else { continue }
                    guard Array(workers[index].incoming.prefix(hello.count)) == hello else {
                        throw WireError(reason: "\(name) \(pid) does not speak this protocol")
                    }
                    workers[index].incoming.removeFirst(hello.count)
                    workers[index].greeted = true
                }
                do {
                    for frame in try WorkerProtocol.takeFrames(from: &workers[index].incoming) {
                        frames.append((index, frame.type, frame.payload))
                    }
                } catch {
                    throw WireError(reason: "\(name) \(pid)'s reply is malformed: \(error.reason)")
                }
            }
            if !frames.isEmpty { return frames }
        }
    }

    /// The pid of worker `index`, for messages.
    func pid(_ index: Int) -> Int32 { workers[index].process.pid }

    /// Closes every request pipe, reaps every worker, and restores SIGPIPE's disposition.
    mutating func stop() {
        defer { signal(SIGPIPE, previousPipeHandler) }
        for index in workers.indices { close(index) }
        for worker in workers {
            Glibc.close(worker.process.replies)
            if !worker.ended { _ = worker.process.reap() }
        }
        workers.removeAll()
    }
}
