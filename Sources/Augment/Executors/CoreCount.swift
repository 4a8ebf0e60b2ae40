#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cores this process may run on.
public enum CoreCount {
    /// The CPUs in this process's affinity mask (what `taskset`, cgroup cpusets and Slurm's
    /// binding leave it: the `Cpus_allowed` mask of `/proc/self/status`, which is what
    /// `sched_getaffinity` returns), or the online CPUs where that is unavailable. At least 1.
    ///
    /// - Complexity: one small file read.
    public static var available: Int {
        if let status = try? FileIO.read("/proc/self/status"),
           let text = String(validating: status, as: UTF8.self),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { total, character in
                total + (character.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            if count > 0 { return count }
        }
        return max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    }
}
