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
/// - `AUGMENT_TEST_DIE_WRITING=NAME`: the process writing an output whose path ends in `/NAME`
///   (a worker, or the run itself with the serial and thread executors) kills itself with
///   SIGKILL half-way through writing its temporary file.
/// - `AUGMENT_TEST_PAUSE_AFTER_LISTING=PATH`: `augment run`, once it has listed the input,
///   creates the file PATH and waits until it is removed (60 s at most) before reading any
///   image, so that a test can change the inputs between listing and reading.
public enum TestHooks {
    static let imageDelayMilliseconds: Int = integer("AUGMENT_TEST_IMAGE_DELAY_MS") ?? 0
    static let workerDieAfter: Int? = integer("AUGMENT_TEST_WORKER_DIE_AFTER")
    static let workerDieOn: String? = string("AUGMENT_TEST_WORKER_DIE_ON")
    static let dieWritingSuffix: String? = string("AUGMENT_TEST_DIE_WRITING").map { "/" + $0 }
    static let pauseAfterListingFile: String? = string("AUGMENT_TEST_PAUSE_AFTER_LISTING")

    private static func integer(_ name: String) -> Int? {
        string(name).flatMap { Int($0) }
    }

    private static func string(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Ends this process at once, as the OOM killer or `kill -9` would.
    static func die() { kill(getpid(), SIGKILL) }

    /// True when the output at `path` is to be cut short by `AUGMENT_TEST_DIE_WRITING`.
    static func diesWriting(_ path: String) -> Bool {
        dieWritingSuffix.map { path.hasSuffix($0) } ?? false
    }

    /// With `AUGMENT_TEST_PAUSE_AFTER_LISTING`, creates its file and waits until it is removed.
    public static func pauseAfterListing() {
        guard let path = pauseAfterListingFile else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor >= 0 { close(descriptor) }
        for _ in 0..<6000 where FileIO.exists(path) { usleep(10_000) }
    }

    /// Waits `AUGMENT_TEST_IMAGE_DELAY_MS`, if set.
    static func delayImage() {
        if imageDelayMilliseconds > 0 { usleep(useconds_t(imageDelayMilliseconds * 1000)) }
    }

    /// In a worker, about to process `relativePath`: dies by SIGKILL if `AUGMENT_TEST_WORKER_DIE_ON`
    /// names it.
    static func workerMayDie(before relativePath: String) {
        if let path = workerDieOn, path == relativePath { die() }
    }

    /// In a worker that has just reported its `reported`-th image: dies by SIGKILL if
    /// `AUGMENT_TEST_WORKER_DIE_AFTER` says so.
    static func workerMayDie(afterReporting reported: Int) {
        if let after = workerDieAfter, reported == after { die() }
    }
}
