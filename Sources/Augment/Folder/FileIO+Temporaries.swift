#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files `writeAtomically(_:to:)` leaves behind when its process is killed
/// between creating one and renaming it: `.<name>.tmp-<pid>-<n>` beside `<name>`.
extension FileIO {
    /// The output name and writer's process id a temporary file's name encodes, or nil when
    /// `fileName` is not one.
    ///
    /// - Complexity: O(name length).
    public static func temporaryTarget(of fileName: String) -> (name: String, pid: Int32)? {
        let parts = fileName.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), Int(parts[parts.count - 1]) != nil else { return nil }
        let head = parts.dropLast(2).joined(separator: "-")
        guard head.hasPrefix("."), head.hasSuffix(".tmp"), head.count > 5 else { return nil }
        let name = String(head.dropFirst().dropLast(4))
        return (name, pid)
    }

    /// The process ids that have temporary files of the output at `outputPath` (a full path).
    ///
    /// - Complexity: one listing of its folder.
    public static func temporaryWriters(of outputPath: String) -> Set<Int32> {
        let (folder, name) = split(outputPath)
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var writers: Set<Int32> = []
        while let entry = readdir(stream) {
            let fileName = FileIO.name(of: entry)
            if let target = temporaryTarget(of: fileName), target.name == name { writers.insert(target.pid) }
        }
        return writers
    }

    /// Removes the temporary files of the outputs at `outputPaths` (full paths): all of them,
    /// or with `pid`, only those that process made. Temporaries of other outputs are left
    /// alone, so runs sharing an output folder (shards) never remove each other's live files.
    ///
    /// - Returns: the paths removed.
    /// - Complexity: one listing of each distinct folder, O(entries in those folders +
    ///   outputs).
    @discardableResult
    public static func removeTemporaries(of outputPaths: [String], writtenBy pid: Int32? = nil) -> [String] {
        var namesByFolder: [String: Set<String>] = [:]
        for path in outputPaths {
            let (folder, name) = split(path)
            namesByFolder[folder, default: []].insert(name)
        }
        var removed: [String] = []
        for (folder, names) in namesByFolder {
            guard let stream = opendir(folder) else { continue }
            var doomed: [String] = []
            while let entry = readdir(stream) {
                let fileName = FileIO.name(of: entry)
                guard let target = temporaryTarget(of: fileName), names.contains(target.name),
                      pid == nil || pid == target.pid else { continue }
                doomed.append(folder + "/" + fileName)
            }
            closedir(stream)
            for path in doomed where unlink(path) == 0 { removed.append(path) }
        }
        return removed.sorted()
    }
}
