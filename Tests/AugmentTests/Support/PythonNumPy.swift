import Foundation

/// `python3` with numpy, when this machine has it: an independent reader for the `.npy` and
/// `.npz` files the library writes.
enum PythonNumPy {
    /// True when `python3 -c "import numpy"` succeeds.
    static let isAvailable: Bool = (try? run("import numpy").status) == 0

    /// Message for tests that are skipped because numpy is missing.
    static let absentNote = "python3 with numpy is not available: this cross-check with numpy is skipped"

    /// Runs `script` with `python3 -c`, `arguments` as `sys.argv[1:]`.
    static func run(_ script: String, arguments: [String] = []) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
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
                             standardError: String(decoding: errorData, as: UTF8.self))
    }
}
