// What the benchmark suite and the codec sweep share: finding and loading the test PNGs,
// a monotonic clock, medians, and a few facts about the machine.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure to set up a benchmark, with a message meant for the person running it.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The folder of test PNGs and how to load it.
public enum BenchImages {
    /// The environment variable that names the folder of 256x256 RGB PNGs.
    public static let environmentVariable = "AUGMENT_BENCH_IMAGES"

    /// How to make the folder, for error messages.
    public static let howToMake = """
        make the images with the anchors harness (not kept in the repository):
            python3 ../../shared/anchors/make_images.py /tmp/augment-bench-images --n 200 --size 256
            export \(environmentVariable)=/tmp/augment-bench-images
        """

    /// The folder named by `AUGMENT_BENCH_IMAGES`, if set.
    public static var folderFromEnvironment: String? {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return nil }
        return value
    }

    /// Every `.png` below `folder`, ordered as the anchors harness orders them: by file name, then
    /// by path (the harness's `list_images`), so that "the first 64" are the same files in both.
    public static func pngPaths(in folder: String) throws(BenchError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BenchError("\(folder) is not a folder; " + howToMake)
        }
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw BenchError("cannot list \(folder)")
        }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.lowercased().hasSuffix(".png") { paths.append(folder + "/" + relative) }
        }
        paths.sort { a, b in
            let (na, nb) = (fileName(a), fileName(b))
            return na != nb ? na < nb : a < b
        }
        if paths.isEmpty { throw BenchError("no .png files in \(folder); " + howToMake) }
        return paths
    }

    /// The bytes of the first `limit` PNGs in `folder`.
    public static func load(folder: String, limit: Int = .max) throws(BenchError) -> [(path: String, bytes: [UInt8])] {
        try pngPaths(in: folder).prefix(limit).map { path throws(BenchError) in
            guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
            return (path, [UInt8](data))
        }
    }

    private static func fileName(_ path: String) -> Substring {
        path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
    }
}

/// Nanoseconds from a monotonic clock.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The median (the mean of the middle two for an even count).
public func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "the median of nothing")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Facts about the machine for the report.
public enum Machine {
    /// The CPU model from /proc/cpuinfo.
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// Logical processors available to this process.
    public static var processors: Int { ProcessInfo.processInfo.activeProcessorCount }
}
