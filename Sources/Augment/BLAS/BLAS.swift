import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, reached through its `cblas.h`: matrix products and control of its thread pool.
public enum BLAS {
    /// The threads OpenBLAS uses for one call. Its default is every core, which is what a
    /// single process wants and what several workers side by side must not have.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(newValue, 1))) }
    }

    /// OpenBLAS's build description (`openblas_get_config`): version, kernel and thread model,
    /// such as "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// OpenBLAS's own default: the count the user set in the environment, else every core it
    /// may use (`openblas_get_num_procs`).
    public static var defaultThreadCount: Int {
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let value = getenv(name).flatMap({ Int(String(cString: $0)) }), value > 0 { return value }
        }
        return max(Int(openblas_get_num_procs()), 1)
    }

    /// True when the user set OpenBLAS's threads through the environment (`OPENBLAS_NUM_THREADS`
    /// or `OMP_NUM_THREADS`): the executors then leave the count alone; otherwise parallel
    /// workers each hold OpenBLAS to one thread, so that N workers do not start N × cores threads.
    public static var userChoseThreadCount: Bool {
        getenv("OPENBLAS_NUM_THREADS") != nil || getenv("OMP_NUM_THREADS") != nil
    }

    /// Ends OpenBLAS's thread pool, which it starts when the program loads: its idle threads
    /// spin (`sched_yield`) for about 0.1 s of CPU before they sleep, CPU taken from the workers
    /// of a command that makes no matrix product (3% of the wall time of a one-epoch
    /// `augment batches` on 2 cores). The next product with more than one thread starts the
    /// pool again, as OpenBLAS does after a `fork`; so does setting `threadCount`. Call it from
    /// one thread, with no product under way. Nothing to stop with a serial OpenBLAS build.
    public static func stopIdleThreads() {
        aug_openblas_stop_threads()
    }

    /// Single-precision `C = A · B` for row-major matrices: `a` is `rows × inner`, `b` is
    /// `inner × columns`, the result `rows × columns`.
    ///
    /// - Complexity: O(rows × inner × columns), spread over `threadCount` threads.
    public static func multiply(_ a: [Float], _ b: [Float], rows: Int, inner: Int, columns: Int) -> [Float] {
        precondition(a.count == rows * inner && b.count == inner * columns, "matrix sizes do not match")
        var c = [Float](repeating: 0, count: rows * columns)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                Int32(rows), Int32(columns), Int32(inner),
                                1, a.baseAddress, Int32(inner), b.baseAddress, Int32(columns),
                                0, c.baseAddress, Int32(columns))
                }
            }
        }
        return c
    }
}
