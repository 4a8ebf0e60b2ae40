import ArgumentParser
import Augment

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Fast, reproducible image augmentation for training data.",
        discussion: """
            Reads PNG images through libpng, exactly as stored (no gamma or colour-profile \
            correction), and writes PNG.
            """,
        // The kernels' instruction set is not part of `AugmentVersion` (what a cache records):
        // it changes speed, never bytes.
        version: "\(AugmentVersion.description), kernels for \(InstructionSet.available)",
        subcommands: [RunCommand.self, BatchesCommand.self, CacheCommand.self, BenchCommand.self, StatsCommand.self, InfoCommand.self,
                      WorkerCommand.self, BenchWorkerCommand.self, SampleWorkerCommand.self]
    )

    static func main() {
        // A file-size limit (`ulimit -f`) would otherwise kill the process with SIGXFSZ in
        // the middle of a write, leaving a temporary file and no message. Ignored, the write
        // fails with EFBIG instead and is reported like a full disk. Worker processes run this
        // too (and inherit the disposition through exec).
        signal(SIGXFSZ, SIG_IGN)
        do { _ = try InstructionSet.environmentCap() } catch {
            printError("error: \(error)")
            Self.exit(withError: ExitCode.validationFailure)
        }
        main(nil)
    }
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
