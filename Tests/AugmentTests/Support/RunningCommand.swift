import Foundation
@testable import Augment

/// The built `augment` tool started in the background, so that a test can watch it, signal
/// it (Ctrl-C, SIGKILL) part-way, and then collect what it printed.
final class RunningCommand: Sendable {
    private let process: Process
    /// What it printed so far: standard output, standard error. Behind a pthread mutex, which
    /// ThreadSanitizer sees, rather than `Mutex`, whose futex it does not (LockedState).
    private let texts = LockedState<(output: String, error: String)>(("", ""))
    private let readers = DispatchGroup()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = TestData.augmentExecutable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
        for (pipe, isError) in [(output, false), (error, true)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: readers) { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    let text = String(decoding: data, as: UTF8.self)
                    texts.withLock { if isError { $0.error += text } else { $0.output += text } }
                }
            }
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// False once it has ended.
    var isRunning: Bool { process.isRunning }

    /// What it has printed on standard error so far.
    var standardError: String { texts.withLock { $0.error } }

    /// Polls `condition` every 10 ms for up to `seconds`; false when it never held.
    func wait(upTo seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for it to end and returns what it printed.
    func finish() -> CommandResult {
        process.waitUntilExit()
        readers.wait()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CommandResult(status: status, standardOutput: texts.withLock { $0.output }, standardError: standardError)
    }

    /// Pids of live processes whose environment holds `marker` (`NAME=value`): what is left of
    /// a run started with it, such as its worker processes.
    static func processes(withEnvironment marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  !status.contains(") Z ") else { return false }  // a zombie has exited
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == marker }
        }
    }
}
