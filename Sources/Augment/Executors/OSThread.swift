#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain POSIX thread: one kernel thread per `OSThread`, so that a pool of N of them runs
/// exactly N images at once (Swift concurrency's cooperative pool decides its own width).
struct OSThread {
    private let handle: pthread_t

    /// The body, boxed to cross `pthread_create`'s C boundary.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`.
    init(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
        var handle = pthread_t()
        #else
        var handle: pthread_t?
        #endif
        let status = pthread_create(&handle, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(status == 0, "cannot start a thread: \(String(cString: strerror(status)))")
        #if canImport(Glibc)
        self.handle = handle
        #else
        self.handle = handle!
        #endif
    }

    /// Waits for the thread to end.
    func join() { pthread_join(handle, nil) }
}
