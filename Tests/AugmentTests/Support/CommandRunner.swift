import Foundation

/// Runs the built `augment` tool as a user would, and captures what it printed.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// Standard output as bytes, for binary output (`augment batches`).
    var outputBytes: [UInt8] = []

    /// The `error:` lines of standard error.
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") } }
}

enum CommandRunner {
    /// Runs `augment` with `arguments`; with `shellPrefix`, through `/bin/sh -c` so that the
    /// prefix (such as `ulimit -f 8;`) applies to it, started as from a terminal, with no signal
    /// blocked or ignored (`SpawnedCommand`): what augment does on SIGXFSZ is then its own doing.
    /// `environment` adds to (or replaces in) the test process's own environment.
    static func augment(_ arguments: [String], shellPrefix: String? = nil,
                        environment: [String: String] = [:]) throws -> CommandResult {
        if let shellPrefix {
            let quoted = ([TestData.augmentExecutable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            return try SpawnedCommand(["-c", shellPrefix + " exec " + quoted.joined(separator: " ")], executable: "/bin/sh",
                                      environment: environment).finish(sampleEvery: 0.01)
        }
        return try run(TestData.augmentExecutable, arguments, environment: environment)
    }

    /// Runs `executable` with `arguments`, standard input empty, and captures both outputs.
    /// `environment` adds to (or replaces in) the test process's own environment.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: group) { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             standardOutput: String(decoding: outputData, as: UTF8.self),
                             standardError: String(decoding: errorData, as: UTF8.self), outputBytes: [UInt8](outputData))
    }
}
