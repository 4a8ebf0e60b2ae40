import Dispatch

extension FolderJob {
    /// Processes `paths` in order on the calling thread: the reference executor. Calls `report`
    /// once per image as it finishes. Stops at the first failure that `stopsTheRun`, or before
    /// the next image once `stop` is requested.
    ///
    /// - Parameter wantsEntries: whether skipped images (`--resume`) need their manifest entries.
    /// - Complexity: O(total file size + total pixels × copies); O(1) memory beyond one image.
    public func runSerially(paths: [String], wantsEntries: Bool = false, stop: StopRequest = StopRequest(),
                            report: (ImageReport) -> Void) -> RunSummary {
        var summary = RunSummary()
        let start = DispatchTime.now().uptimeNanoseconds
        for path in paths {
            if stop.isRequested {
                summary.interrupted = true
                break
            }
            let result: ImageReport
            do {
                result = .done(relativePath: path, try attempt(path, wantsEntries: wantsEntries))
            } catch {
                result = .failed(error)
            }
            summary.record(result)
            report(result)
            if summary.stoppedBy != nil { break }
        }
        summary.notAttempted = paths.count - summary.imagesReported
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}
