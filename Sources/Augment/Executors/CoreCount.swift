#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cores this process may run on.
public enum CoreCount {
    /// The smaller of two limits, and at least 1:
    ///
    /// - the CPUs in this process's affinity mask (what `taskset`, cgroup cpusets and Slurm's
    ///   binding leave it: the `Cpus_allowed` mask of `/proc/self/status`, which is what
    ///   `sched_getaffinity` returns), or the online CPUs where that is unavailable;
    /// - the cgroup v2 CPU quota of `/sys/fs/cgroup/cpu.max` (a container's, as Docker and
    ///   Kubernetes mount it), rounded up: see `cpus(cpuMax:)`. No file, `max` or anything
    ///   malformed means no quota.
    ///
    /// Container-aware runtimes (Java, Go's automaxprocs, .NET) also honour the quota; Python's
    /// `os.process_cpu_count()` does not. A quota set only on an ancestor cgroup that is
    /// not the one mounted at `/sys/fs/cgroup` is not seen.
    ///
    /// - Complexity: two small file reads.
    public static var available: Int {
        let allowed = affinity ?? max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
        guard let quota = text("/sys/fs/cgroup/cpu.max").flatMap(cpus(cpuMax:)) else { return allowed }
        return min(allowed, quota)
    }

    /// The CPUs a cgroup v2 `cpu.max` text allows: "QUOTA PERIOD" (microseconds of CPU time per
    /// period) is QUOTA / PERIOD CPUs rounded up, at least 1 ("150000 100000" is 2); nil for
    /// "max PERIOD" (no quota) and for anything malformed.
    ///
    /// - Complexity: O(text length).
    static func cpus(cpuMax text: String) -> Int? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]),
              quota > 0, period > 0 else { return nil }
        return quota / period + (quota % period == 0 ? 0 : 1)
    }

    /// The CPUs set in `Cpus_allowed`, or nil when it cannot be read.
    private static var affinity: Int? {
        guard let line = text("/proc/self/status")?.split(separator: "\n")
            .first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { total, character in
            total + (character.hexDigitValue?.nonzeroBitCount ?? 0)
        }
        return count > 0 ? count : nil
    }

    private static func text(_ path: String) -> String? {
        (try? FileIO.read(path)).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
