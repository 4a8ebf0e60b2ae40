import Dispatch
import Synchronization

/// What `ChannelStatistics.scan` found in a folder.
public struct StatisticsScan: Sendable {
    /// The sums of the images that decoded, by channel count (after any conversion): one entry
    /// unless the images differ.
    public var byChannels: [Int: ChannelStatistics]
    /// For each channel count, the first image (in the order of the paths scanned) that has
    /// it, in that order.
    public var firstImages: [(channels: Int, path: String)]
    /// The images that could not be read or decoded, in the order of the paths scanned.
    public var failures: [ImageFailure]

    /// The statistics of every image that decoded; nil when none did.
    ///
    /// - Throws: `MixedChannelsError` when the images decode to different channel counts.
    public func combined() throws(MixedChannelsError) -> ChannelStatistics? {
        guard firstImages.count > 1 else { return byChannels.values.first }
        throw MixedChannelsError(firstPath: firstImages[0].path, firstChannels: firstImages[0].channels,
                                 differingPath: firstImages[1].path, differingChannels: firstImages[1].channels)
    }
}

/// Images with different channel counts, whose statistics cannot be combined: the first image
/// scanned, and the first that differs from it.
public struct MixedChannelsError: Error, Equatable, Sendable, CustomStringConvertible {
    public var firstPath: String
    public var firstChannels: Int
    public var differingPath: String
    public var differingChannels: Int

    public var description: String {
        "\(differingPath) decodes to \(differingChannels) channel\(differingChannels == 1 ? "" : "s") but "
            + "\(firstPath) to \(firstChannels); convert every image to one count with --channels 1, 3 or 4"
    }
}

extension ChannelStatistics {
    /// Reads, decodes and adds every image of `paths` (relative to `folder.root`, in the
    /// folder's sorted order) on `workers` OS threads, each with its own accumulator, merged
    /// at the end. Memory: one decoded image per thread. By `ChannelStatistics`'s guarantee
    /// the sums are the same, bit for bit, whatever the number of workers or the order.
    ///
    /// With more than one worker, OpenBLAS is held to one thread (`BLAS.threadCount = 1`)
    /// unless the user chose its thread count (`BLAS.userChoseThreadCount`), as the executors do.
    ///
    /// `report` is called on the calling thread once per image, as they finish, with its
    /// failure if it could not be read or decoded.
    ///
    /// - Complexity: O(total file size + total pixels) / workers.
    public static func scan(_ folder: ImageFolder, paths: [String], decoding: PNG.DecodingOptions, workers: Int,
                            report: (ImageFailure?) -> Void = { _ in }) -> StatisticsScan {
        if workers > 1 && !BLAS.userChoseThreadCount { BLAS.threadCount = 1 }
        let shared = ScanState(workers: workers)
        let chunkSize = ChunkPlan.size(images: paths.count, workers: workers)
        let threads = (0..<max(workers, 1)).map { _ in
            OSThread {
                var local: [Int: (statistics: ChannelStatistics, first: Int)] = [:]
                defer { shared.finish(local) }
                while true {
                    let first = shared.cursor.add(chunkSize, ordering: .relaxed).oldValue
                    if first >= paths.count { return }
                    for index in first..<min(first + chunkSize, paths.count) {
                        let path = paths[index]
                        let image: Image
                        do {
                            image = try PNG.decode(try FileIO.readRegularFile(folder.root + "/" + path), options: decoding)
                        } catch let error as FileError {
                            shared.post(index, ImageFailure(relativePath: path, reason: error.reason, stopsTheRun: false))
                            continue
                        } catch {
                            shared.post(index, ImageFailure(relativePath: path, reason: "\(error)", stopsTheRun: false))
                            continue
                        }
                        var entry = local[image.channels] ?? (ChannelStatistics(channels: image.channels), index)
                        entry.statistics.add(image)
                        entry.first = min(entry.first, index)
                        local[image.channels] = entry
                        shared.post(index, nil)
                    }
                }
            }
        }
        var failures: [(index: Int, failure: ImageFailure)] = []
        var finished = false
        while !finished {
            shared.signal.wait()
            let (reports, allFinished) = shared.take()
            for (index, failure) in reports {
                if let failure { failures.append((index, failure)) }
                report(failure)
            }
            finished = allFinished
        }
        for thread in threads { thread.join() }
        let merged = shared.merged
        let firstImages = merged.sorted { $0.value.first < $1.value.first }.map { ($0.key, paths[$0.value.first]) }
        return StatisticsScan(byChannels: merged.mapValues(\.statistics), firstImages: firstImages,
                              failures: failures.sorted { $0.index < $1.index }.map(\.failure))
    }
}

/// What the threads of one `scan` share.
private final class ScanState: Sendable {
    let cursor = Atomic<Int>(0)
    /// Signalled once per posted image and once per finished thread.
    let signal = DispatchSemaphore(value: 0)
    private let state = LockedState<(reports: [(Int, ImageFailure?)], running: Int,
                                     merged: [Int: (statistics: ChannelStatistics, first: Int)])>(([], 0, [:]))

    init(workers: Int) {
        state.withLock { $0.running = max(workers, 1) }
    }

    func post(_ index: Int, _ failure: ImageFailure?) {
        state.withLock { $0.reports.append((index, failure)) }
        signal.signal()
    }

    /// Adds a thread's sums to the total (exact integer sums: the order of threads does not matter).
    func finish(_ local: [Int: (statistics: ChannelStatistics, first: Int)]) {
        state.withLock { state in
            for (channels, entry) in local {
                if var total = state.merged[channels] {
                    total.statistics.merge(entry.statistics)
                    total.first = min(total.first, entry.first)
                    state.merged[channels] = total
                } else {
                    state.merged[channels] = entry
                }
            }
            state.running -= 1
        }
        signal.signal()
    }

    func take() -> ([(Int, ImageFailure?)], Bool) {
        state.withLock { state in
            let reports = state.reports
            state.reports.removeAll(keepingCapacity: true)
            return (reports, state.running == 0)
        }
    }

    var merged: [Int: (statistics: ChannelStatistics, first: Int)] { state.withLock { $0.merged } }
}
