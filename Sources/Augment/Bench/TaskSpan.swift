/// When one benchmark task ran, and on which worker: one bar of a timeline.
public struct TaskSpan: Sendable, Equatable {
    /// The task's index in its workload.
    public var task: Int
    /// The worker that ran it, 0 ..< workers (the serial executor has one lane, 0).
    public var lane: Int
    /// Seconds since the run began, on a clock shared by every process (CLOCK_MONOTONIC).
    public var start: Double
    public var stop: Double

    public init(task: Int, lane: Int, start: Double, stop: Double) {
        self.task = task
        self.lane = lane
        self.start = start
        self.stop = stop
    }
}
