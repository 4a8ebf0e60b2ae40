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
        try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
    }
}
