#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test-only behaviour switched on by environment variables, so that the tests can drive the
/// built `augment` tool into situations that are otherwise hard to reach on purpose. Each is
/// read once; none is meant for users (docs/worker-protocol.md lists them).
///
/// - `AUGMENT_TEST_IMAGE_DELAY_MS=N`: every image that is processed (not skipped) waits N ms
///   first, so that a run lasts long enough to be interrupted or killed part-way.
/// - `AUGMENT_TEST_WORKER_DIE_AFTER=N`: a worker process kills itself with SIGKILL right after
///   reporting its N-th image (every worker, replacements included): no image is in flight in
///   it then, so the images queued to it are simply handed out again and the run completes.
/// - `AUGMENT_TEST_WORKER_DIE_ON=PATH`: a worker process kills itself with SIGKILL when it is
///   about to process the image at PATH (relative to the input folder).
public enum TestHooks {
    static let imageDelayMilliseconds: Int = integer("AUGMENT_TEST_IMAGE_DELAY_MS") ?? 0
    static let workerDieAfter: Int? = integer("AUGMENT_TEST_WORKER_DIE_AFTER")
    static let workerDieOn: String? = getenv("AUGMENT_TEST_WORKER_DIE_ON").map { String(cString: $0) }

    private static func integer(_ name: String) -> Int? {
        guard let value = getenv(name) else { return nil }
        return Int(String(cString: value))
    }

    /// Waits `AUGMENT_TEST_IMAGE_DELAY_MS`, if set.
    static func delayImage() {
        if imageDelayMilliseconds > 0 { usleep(useconds_t(imageDelayMilliseconds * 1000)) }
    }

    /// In a worker, about to process `relativePath`: dies by SIGKILL if `AUGMENT_TEST_WORKER_DIE_ON`
    /// names it.
    static func workerMayDie(before relativePath: String) {
        if let path = workerDieOn, path == relativePath { kill(getpid(), SIGKILL) }
    }

    /// In a worker that has just reported its `reported`-th image: dies by SIGKILL if
    /// `AUGMENT_TEST_WORKER_DIE_AFTER` says so.
    static func workerMayDie(afterReporting reported: Int) {
        if let after = workerDieAfter, reported == after { kill(getpid(), SIGKILL) }
    }
}
