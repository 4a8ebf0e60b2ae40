import Augment
import Foundation

extension RunCommand {
    /// This executable, to start workers from: `/proc/self/exe` resolved (the very binary
    /// running, wherever it was started from), or the path it was started by.
    static var executablePath: String {
        FileIO.realPath("/proc/self/exe") ?? FileIO.realPath(CommandLine.arguments[0]) ?? CommandLine.arguments[0]
    }

    /// The workers' environment: this process's, with `OPENBLAS_NUM_THREADS=1` added when the
    /// user has set neither it nor `OMP_NUM_THREADS`, so that N workers do not each start a
    /// BLAS thread per core (OpenBLAS reads it when it loads, before any code runs).
    static var workerEnvironment: [String] {
        var environment = ProcessInfo.processInfo.environment
        if !BLAS.userChoseThreadCount { environment["OPENBLAS_NUM_THREADS"] = "1" }
        return environment.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// With several threads, one BLAS thread each, unless the user set the thread count; and
    /// then no idle BLAS threads (setting the count starts them again).
    static func limitBLASThreads(workers: Int) {
        guard workers > 1 && !BLAS.userChoseThreadCount else { return }
        BLAS.threadCount = 1
        BLAS.stopIdleThreads()
    }
}
