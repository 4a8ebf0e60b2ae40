#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which sanitizer this test build runs under (`swift test --sanitize=...`, scripts/sanitizers.sh).
/// The test process and the `augment` it starts come from the same build, so they agree.
enum Sanitizer {
    /// Whether ThreadSanitizer's runtime is linked in: it exports `__tsan_init`.
    static let isThread: Bool = dlsym(dlopen(nil, RTLD_NOW), "__tsan_init") != nil

    /// Whether AddressSanitizer's runtime is linked in. Its quarantine keeps freed memory for a
    /// while (up to 256 MB) and its shadow memory grows with what is touched, so peak resident
    /// memory says nothing about ours there: memory bounds are asserted in the plain build only.
    static let isAddress: Bool = dlsym(dlopen(nil, RTLD_NOW), "__asan_init") != nil

    /// Why the file-size-limit tests do not run under ThreadSanitizer.
    static let fileSizeLimitNote = "ThreadSanitizer's runtime dies at start-up (SIGBUS) under a file-size limit below"
        + " about 400 KiB (`ulimit -f`), before any of augment's code runs; these tests run under AddressSanitizer"
}
