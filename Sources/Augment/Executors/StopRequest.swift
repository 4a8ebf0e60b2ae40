import Synchronization

/// A request to stop a run early (Ctrl-C), shared between whoever asks and the executor, which
/// checks it between images: an image being processed is finished (its output written
/// atomically), no new one is started.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    /// Asks the run to stop. Safe from any thread.
    public func request() { requested.store(true, ordering: .releasing) }

    public var isRequested: Bool { requested.load(ordering: .acquiring) }
}
