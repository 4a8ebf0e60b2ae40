import ArgumentParser
import Augment

/// `augment _worker`: one worker process of `augment run --executor processes`, spawned by the
/// run and fed over its standard input and output (docs/worker-protocol.md). Hidden from help:
/// users never start it themselves.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_worker",
        abstract: "A worker process of `augment run --executor processes` (internal).",
        shouldDisplay: false
    )

    func run() throws {
        AllocatorTuning.configureForImageBuffers()
        let status = WorkerServer.serve()
        if status != 0 { throw ExitCode(status) }
    }
}
