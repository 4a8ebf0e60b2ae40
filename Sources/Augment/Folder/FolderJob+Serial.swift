import Dispatch

/// What a run of a folder job did.
public struct RunSummary: Sendable, Equatable {
    /// Output files written (with several copies, more than the images read).
    public var written: Int = 0
    /// Input images that failed.
    public var failed: Int = 0
    /// Images not attempted because the run stopped early.
    public var notAttempted: Int = 0
    public var seconds: Double = 0
    /// The failure that stopped the run, if one did.
    public var stoppedBy: ImageFailure?

    public init() {}

    public var imagesPerSecond: Double { seconds > 0 ? Double(written) / seconds : 0 }
}

extension FolderJob {
    /// Processes every image in order on the calling thread: the reference executor.
    /// `onFailure` is called once for each image that fails, as it fails; `onWritten` once for
    /// each image that succeeds, with the manifest entries of its outputs. Stops at the first
    /// failure that `stopsTheRun`.
    ///
    /// - Complexity: O(total file size + total pixels × copies).
    public func runSerially(onFailure: (ImageFailure) -> Void,
                            onWritten: ([ManifestEntry]) -> Void = { _ in }) -> RunSummary {
        var summary = RunSummary()
        let start = DispatchTime.now().uptimeNanoseconds
        let paths = relativePaths
        for (index, path) in paths.enumerated() {
            do {
                let entries = try process(path)
                summary.written += entries.count
                onWritten(entries)
            } catch {
                summary.failed += 1
                onFailure(error)
                if error.stopsTheRun {
                    summary.stoppedBy = error
                    summary.notAttempted = paths.count - index - 1
                    break
                }
            }
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}
