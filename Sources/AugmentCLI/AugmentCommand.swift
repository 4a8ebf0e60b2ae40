import ArgumentParser
import Augment

@main
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Fast, reproducible image augmentation for training data.",
        discussion: """
            Reads PNG images through libpng, exactly as stored (no gamma or colour-profile \
            correction), and writes PNG.
            """,
        version: AugmentVersion.description,
        subcommands: [RunCommand.self, BatchesCommand.self, CacheCommand.self, BenchCommand.self, StatsCommand.self, InfoCommand.self,
                      WorkerCommand.self, BenchWorkerCommand.self, SampleWorkerCommand.self]
    )
}

/// Exit statuses shared by the subcommands, documented in their help.
enum ExitStatus {
    /// Some inputs failed; the others were processed.
    static let someFailed = ExitCode(1)
    /// The command could not run (missing input, unwritable output, a full disk).
    static let couldNotRun = ExitCode(2)
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    static let interrupted = ExitCode(130)
}
