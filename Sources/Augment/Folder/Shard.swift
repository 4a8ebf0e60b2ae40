/// One of N parts of a folder, so that N machines (or N array tasks) can split it: shard I
/// takes every N-th image of the sorted list, starting at I (0-based). The parts are disjoint,
/// cover the folder, and differ in size by at most one image; since what an image draws does
/// not depend on the other images, the union of the shards' outputs is a single run's.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// - Throws: `ShardError` unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1, (0..<count).contains(index) else {
            throw ShardError(reason: "a shard is I/N with 0 <= I < N, not \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError(reason: "expected I/N (such as 0/4) or auto, not \(text)")
        }
        try self.init(index: index, count: count)
    }

    /// The shard a cluster's job array assigns: Slurm's `SLURM_ARRAY_TASK_ID` (counted from
    /// `SLURM_ARRAY_TASK_MIN` when set, as arrays may start at 1) with `shards` or else
    /// `SLURM_ARRAY_TASK_COUNT` shards; or a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`
    /// with `shards` shards (Kubernetes does not export the count).
    ///
    /// - Throws: `ShardError` naming what is missing.
    public init(environment: [String: String], shards: Int?) throws(ShardError) {
        func number(_ name: String) throws(ShardError) -> Int? {
            guard let value = environment[name] else { return nil }
            guard let number = Int(value) else { throw ShardError(reason: "\(name)=\(value) is not a number") }
            return number
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            let arrayCount = try number("SLURM_ARRAY_TASK_COUNT")
            guard let count = shards ?? arrayCount else {
                throw ShardError(reason: "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give --shards N")
            }
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            try self.init(index: task - first, count: count)
        } else if let index = try number("JOB_COMPLETION_INDEX") {
            guard let shards else { throw ShardError(reason: "JOB_COMPLETION_INDEX is set; give the job's completions as --shards N") }
            try self.init(index: index, count: shards)
        } else {
            throw ShardError(reason: "--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)")
        }
    }

    /// This shard's paths: positions index, index + count, index + 2·count, ... of `paths`.
    ///
    /// - Complexity: O(paths.count / count).
    public func select<T>(_ paths: [T]) -> [T] {
        Array(stride(from: index, to: paths.count, by: count).map { paths[$0] })
    }

    public var description: String { "\(index)/\(count)" }
}

/// A shard that cannot be taken.
public struct ShardError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
