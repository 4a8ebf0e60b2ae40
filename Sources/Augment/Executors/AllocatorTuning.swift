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
    /// Call once, early. Does nothing where the allocator is not glibc's.
    public static func configureForImageBuffers() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 8 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        #endif
    }
}
