#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One worker process as its parent sees it: its pid and the parent's ends of its two pipes.
struct WorkerProcess {
    let pid: pid_t
    /// The parent's end of the request pipe (the worker's standard input); non-blocking.
    let requests: Int32
    /// The parent's end of the reply pipe (the worker's standard output).
    let replies: Int32

    /// Starts `command` (an executable path and its arguments) with `posix_spawn` (never
    /// `fork`, which is unsafe once threads exist), its standard input and output connected to
    /// two new pipes and its standard error shared with the parent. Every pipe end the parent
    /// keeps is close-on-exec, so no worker inherits another's pipe: each request pipe has
    /// exactly one writer, the parent, and a worker sees end of file as soon as the parent
    /// closes it or dies.
    ///
    /// - Parameter environment: `NAME=value` strings; nil keeps the parent's.
    /// - Throws: `FileError` naming the executable when a pipe cannot be made or the spawn fails.
    static func spawn(_ command: [String], environment: [String]?) throws(FileError) -> WorkerProcess {
        var requestPipe: [Int32] = [-1, -1], replyPipe: [Int32] = [-1, -1]
        // Spawning happens on one thread only, so marking close-on-exec after pipe() is not racy.
        guard makePipe(&requestPipe) else { throw FileError(path: command[0], code: errno, action: "cannot make a pipe for") }
        guard makePipe(&replyPipe) else {
            let code = errno
            close(requestPipe[0]); close(requestPipe[1])
            throw FileError(path: command[0], code: code, action: "cannot make a pipe for")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies: the worker keeps exactly fds 0 and 1 of these.
        posix_spawn_file_actions_adddup2(&actions, requestPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, replyPipe[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var pid = pid_t()
        let status = envp == nil
            ? posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
            : posix_spawn(&pid, command[0], &actions, &attributes, argv, envp!)
        close(requestPipe[0])
        close(replyPipe[1])
        if status != 0 {
            close(requestPipe[1]); close(replyPipe[0])
            throw FileError(path: command[0], code: status, action: "cannot start worker")
        }
        _ = fcntl(requestPipe[1], F_SETFL, fcntl(requestPipe[1], F_GETFL) | O_NONBLOCK)
        return WorkerProcess(pid: pid, requests: requestPipe[1], replies: replyPipe[0])
    }

    /// `pipe`, both ends close-on-exec.
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Waits for the worker to end (after its reply pipe reached end of file) and describes how
    /// it ended: nil for a clean exit with status 0, else "exit status N" or "killed by signal N".
    func reap() -> String? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        let signal = status & 0x7f
        if signal != 0 { return "killed by signal \(signal)" }
        let code = (status >> 8) & 0xff
        return code == 0 ? nil : "exit status \(code)"
    }
}
