#if os(Linux)
import CMalloc
#endif

/// Tunes the C allocator for a process that allocates and frees image-sized buffers (a decoded
/// image, its resampled copy, its encoded PNG: hundreds of kilobytes each) thousands of times.
public enum AllocatorTuning {
    /// glibc serves every allocation above its mmap threshold (128 KiB at first) with a fresh
    /// `mmap` and returns it with `munmap`, and gives freed heap back to the system past its
    /// trim threshold: per image, page faults and system calls for memory it will want again at
    /// once. Raising both thresholds keeps those buffers in the heap and reuses them: measured
    /// 13-30% more images/s for the serial folder job and 10-20% for threads, depending on the
    /// run (see benchmarks/README.md).
    /// Memory stays bounded: what is kept is at most what the largest images needed.
    ///
    /// One arena for every thread: with glibc's default of one per thread (up to 8 per core),
    /// buffers allocated by the workers and freed by the thread that writes the batches fragment
    /// each arena's heap, and the kept heaps grew with the length of the run (`augment batches`,
    /// threads, 2 workers: peak 40 MiB for 1,000 images, 48 for 10,000, 63 for 30,000; one
    /// arena: 41 MiB for 30,000, no slower; benchmarks/README.md "Memory"). Per image there are
    /// few allocations large enough to take the arena's lock (small ones come from each
    /// thread's own cache), so the workers do not queue on it.
    ///
    /// Call once, early. Does nothing where the allocator is not glibc's.
    public static func configureForImageBuffers() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 8 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }
}
