/// What one executor reports about one image. Executors deliver every report on the thread
/// that called them, one at a time, in the order results arrive.
public enum ImageReport: Sendable, Equatable {
    /// The image was processed (or skipped, resuming).
    case done(relativePath: String, ImageOutcome)
    /// The image failed; reported once.
    case failed(ImageFailure)
}

/// What a run of a folder job did, whatever the executor.
public struct RunSummary: Sendable, Equatable {
    /// Output files written (with several copies, more than the images read).
    public var written: Int = 0
    /// Input images whose outputs all existed already (`--resume`).
    public var skipped: Int = 0
    /// Input images that failed.
    public var failed: Int = 0
    /// Images not attempted (or not finished) because the run stopped early.
    public var notAttempted: Int = 0
    public var seconds: Double = 0
    /// The failure that stopped the run, if one did.
    public var stoppedBy: ImageFailure?
    /// Why the worker processes could not do the job (they could not be started, refused it,
    /// or broke the protocol): the run stopped.
    public var workerFailure: String?
    /// True when the run stopped because it was asked to (`StopRequest`, e.g. Ctrl-C).
    public var interrupted = false

    public init() {}

    public var imagesPerSecond: Double { seconds > 0 ? Double(written) / seconds : 0 }

    /// Counts one report; the first failure that stops the run becomes `stoppedBy`.
    ///
    /// - Complexity: O(1).
    public mutating func record(_ report: ImageReport) {
        switch report {
        case .done(_, .written(let outputs, _)):
            written += outputs
            writtenImages += 1
        case .done(_, .skipped):
            skipped += 1
        case .failed(let failure):
            failed += 1
            if failure.stopsTheRun && stoppedBy == nil { stoppedBy = failure }
        }
    }

    /// Images reported so far, one way or another.
    public var imagesReported: Int { skipped + failed + writtenImages }

    /// Input images whose outputs were written (one image may have several outputs).
    public var writtenImages: Int = 0

}
