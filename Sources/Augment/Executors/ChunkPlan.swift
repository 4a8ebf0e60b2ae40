/// How many paths an executor hands a worker at once.
///
/// A chunk is big enough that taking one from the shared queue (an atomic increment for
/// threads, a pipe message for processes) costs little next to its images even when they are
/// tiny (32x32 images take tens of microseconds each), and small enough that every worker gets
/// many chunks (so the last ones balance) and that the images in flight, hence memory, stay few.
/// Memory does not depend on the chunk size beyond the paths themselves: a worker holds one
/// decoded image at a time.
public enum ChunkPlan {
    /// The most paths in one chunk.
    public static let maximum = 64

    /// `images / (workers × 16)`, clamped to 1 ... `maximum`: at least 16 chunks per worker
    /// when there are enough images.
    ///
    /// - Complexity: O(1).
    public static func size(images: Int, workers: Int) -> Int {
        min(max(images / (max(workers, 1) * 16), 1), maximum)
    }
}
