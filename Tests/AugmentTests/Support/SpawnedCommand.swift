import Foundation

/// The built `augment` (or another executable) started with `posix_spawn` as from a terminal:
/// no signal blocked or ignored (the test process's threads block some, and a child started
/// with Foundation's `Process` inherits that: a blocked SIGXFSZ would hide whether augment
/// ignores it itself), and only descriptors 0, 1 and 2 (standard output and error go to
/// files), so that every descriptor it holds is one it opened, whatever other tests had open
/// when it was started. `finish` samples it while it runs.
///
/// (Its peak memory is sampled from `/proc`, `ResourceWatch`, rather than taken from `wait4`:
/// a child spawned with `posix_spawn`, which shares the parent's memory until it execs, starts
/// with the test process's own peak as its `ru_maxrss`.)
final class SpawnedCommand {
    let pid: pid_t
    private let logs: URL

    init(_ arguments: [String], executable: String = TestData.augmentExecutable.path,
         environment: [String: String] = [:]) throws {
        logs = try TestData.makeTemporaryFolder("augment-spawned")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logs.appendingPathComponent("out").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, logs.appendingPathComponent("err").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        self.pid = pid
    }

    deinit { try? FileManager.default.removeItem(at: logs) }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare; nil where it is missing (the child then inherits whatever
    /// descriptors the test process has not marked close-on-exec).
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Waits for it to end, calling `sample` about every `interval` seconds until then.
    func finish(sampleEvery interval: Double = 0.05, _ sample: () -> Void = {}) -> CommandResult {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            sample()
            usleep(useconds_t(interval * 1_000_000))
        }
        let signal = status & 0x7f
        let text = { (name: String) in
            (try? String(contentsOf: self.logs.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }
        return CommandResult(status: signal != 0 ? 128 + signal : (status >> 8) & 0xff,
                             standardOutput: text("out"), standardError: text("err"))
    }
}

/// The most a process and its children have used, from `/proc`, sampled while they run.
struct ResourceWatch {
    let pid: pid_t
    /// The largest peak resident set (VmHWM) of the process or any child seen, in bytes.
    var peakResidentBytes = 0
    /// The most descriptors the process held when sampled.
    var parentDescriptors = 0
    /// The most descriptors any one child held when sampled.
    var childDescriptors = 0

    init(_ pid: pid_t) { self.pid = pid }

    mutating func sample() {
        parentDescriptors = max(parentDescriptors, ProcessTable.openDescriptors(of: pid) ?? 0)
        peakResidentBytes = max(peakResidentBytes, ProcessTable.peakResidentBytes(of: pid) ?? 0)
        for child in ProcessTable.children(of: pid) {
            childDescriptors = max(childDescriptors, ProcessTable.openDescriptors(of: child) ?? 0)
            peakResidentBytes = max(peakResidentBytes, ProcessTable.peakResidentBytes(of: child) ?? 0)
        }
    }
}

/// What `/proc` says about live processes.
enum ProcessTable {
    /// The live (not zombie) children of `parent`, sorted: from each thread's `children` list,
    /// or where the kernel has none, from every process's parent.
    static func children(of parent: pid_t) -> [pid_t] {
        let manager = FileManager.default
        let candidates: [pid_t]
        if let threads = try? manager.contentsOfDirectory(atPath: "/proc/\(parent)/task"),
           manager.fileExists(atPath: "/proc/\(parent)/task/\(parent)/children") {
            candidates = threads.flatMap { thread in
                ((try? String(contentsOfFile: "/proc/\(parent)/task/\(thread)/children", encoding: .utf8)) ?? "")
                    .split(separator: " ").compactMap { pid_t($0) }
            }
        } else {
            candidates = ((try? manager.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init)
        }
        return candidates.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // After the command name in parentheses: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && fields[0] != "Z" && pid_t(fields[1]) == parent
        }.sorted()
    }

    /// The number of open descriptors of `pid`, or nil when it has gone.
    static func openDescriptors(of pid: pid_t) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// The peak resident set of `pid` so far (VmHWM), or nil when it has gone.
    static func peakResidentBytes(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kibibytes * 1024
    }
}
