#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LabelledDataset {
    /// Header names accepted for the path column (`filepath,label` is common, as in
    /// MNIST-style exports), compared without case.
    public static let pathColumnNames: Set<String> = ["path", "filepath", "file"]
    /// Header names accepted for the label column.
    public static let labelColumnNames: Set<String> = ["label", "class"]
    /// The largest integer label: the classes are "0" ... that, so it bounds their number.
    public static let largestIntegerLabel = 999_999

    /// A flat (or any) folder labelled by a CSV file: a header line whose first two columns are
    /// the path (`path`, `filepath` or `file`) and the label (`label` or `class`), then one row
    /// per image, paths relative to `root` (a leading `./` is dropped). Fields follow RFC 4180:
    /// commas separate them, double quotes enclose a field holding commas, quotes or line
    /// breaks (`"a,b.png"`, `"say ""hi"".png"`); CRLF or LF ends a row; blank lines are skipped;
    /// more columns are allowed and not read, but every row has the header's number of fields.
    ///
    /// Labels are either all integers ≥ 0, used as they are (classes "0", "1", ... up to the
    /// largest), or else names, numbered in sorted order (UTF-8 bytes) of the distinct names.
    /// Samples are sorted by path, so the CSV's row order never matters.
    ///
    /// - Complexity: O(file size + rows · log rows), plus one `stat` per row.
    /// - Throws: `DatasetError` naming the file and line: no such root or file, a bad header or
    ///   field count, a quote left open, an empty, absolute, `..` or non-PNG path, a path listed
    ///   twice, a path that is not a file below `root`, an empty or negative label.
    public init(root: String, labelsCSV path: String) throws(DatasetError) {
        guard FileIO.isFolder(root) else {
            throw DatasetError(path: root, reason: "cannot read the dataset folder: \(String(cString: strerror(FileIO.exists(root) ? ENOTDIR : ENOENT)))")
        }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw DatasetError(path: path, reason: "cannot read the labels file: \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError(path: path, reason: "the labels file is not UTF-8 text")
        }
        let records = try CSVRecords.parse(text, path: path)
        guard let header = records.first else {
            throw DatasetError(path: path, reason: "empty labels file; expected a header line path,label")
        }
        let names = header.fields.map { $0.trimmingASCIISpaces().lowercased() }
        guard names.count >= 2, Self.pathColumnNames.contains(names[0]), Self.labelColumnNames.contains(names[1]) else {
            throw DatasetError(path: path, line: header.line,
                               reason: "expected a header path,label (or filepath/file and class), found \(header.fields.joined(separator: ","))")
        }
        var rows: [(line: Int, path: String, label: String)] = []
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            func fail(_ reason: String) -> DatasetError { DatasetError(path: path, line: record.line, reason: reason) }
            guard record.fields.count == header.fields.count else {
                throw fail("\(record.fields.count) fields where the header has \(header.fields.count)")
            }
            var samplePath = record.fields[0]
            while samplePath.hasPrefix("./") { samplePath.removeFirst(2) }
            let label = record.fields[1].trimmingASCIISpaces()
            guard !samplePath.isEmpty else { throw fail("empty path") }
            guard !samplePath.hasPrefix("/") else { throw fail("\(samplePath): an absolute path; paths are relative to \(root)") }
            guard !samplePath.split(separator: "/").contains("..") else {
                throw fail("\(samplePath): a path that leaves \(root) (..); paths are below it")
            }
            guard samplePath.count > 4, samplePath.suffix(4).lowercased() == ".png" else {
                throw fail("\(samplePath): not a .png file (augment reads PNG only)")
            }
            if let first = firstLine[samplePath] { throw fail("\(samplePath) is listed twice (first on line \(first))") }
            firstLine[samplePath] = record.line
            var status = stat()
            let full = root + "/" + samplePath
            guard stat(full, &status) == 0 else { throw fail("\(samplePath): \(String(cString: strerror(errno))) below \(root)") }
            guard status.st_mode & S_IFMT == S_IFREG else { throw fail("\(samplePath): not a regular file below \(root)") }
            guard !label.isEmpty else { throw fail("\(samplePath): empty label") }
            rows.append((record.line, samplePath, label))
        }
        let (classes, labelOf) = try Self.classes(of: rows, path: path)
        let samples = rows.map { Sample(path: $0.path, label: labelOf($0.label)) }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        self.init(root: root, classes: classes, samples: samples)
    }

    /// The classes the labels make, and the label number of each label text.
    private static func classes(of rows: [(line: Int, path: String, label: String)], path: String)
        throws(DatasetError) -> ([String], (String) -> Int) {
        func isInteger(_ text: String) -> Bool {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            return !digits.isEmpty && digits.utf8.allSatisfy { (0x30...0x39).contains($0) }
        }
        guard rows.allSatisfy({ isInteger($0.label) }) else {
            let names = Set(rows.map(\.label)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let numbers = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            return (names, { numbers[$0]! })
        }
        var largest = -1
        for row in rows {
            guard let value = Int(row.label), (0...largestIntegerLabel).contains(value) else {
                throw DatasetError(path: path, line: row.line,
                                   reason: "\(row.path): label \(row.label); integer labels lie in 0...\(largestIntegerLabel)")
            }
            largest = max(largest, value)
        }
        return ((0..<(largest + 1)).map(String.init), { Int($0)! })
    }
}

/// The records of a CSV text (RFC 4180), each with the line it starts on.
enum CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// Splits `text` into records, skipping blank lines and a leading byte order mark.
    ///
    /// - Complexity: O(text length).
    /// - Throws: `DatasetError` for a quote left open or text after a closing quote.
    static func parse(_ text: String, path: String) throws(DatasetError) -> [Record] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quotedRecord = false  // a record of one empty quoted field ("") is not blank
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if fields.count > 1 || !fields[0].isEmpty || quotedRecord {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll()
            quotedRecord = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") && field.isEmpty {
                quotedRecord = true
                let opened = line
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw DatasetError(path: path, line: opened, reason: "a quoted field is not closed")
                    }
                    let inner = bytes[index]
                    index += 1
                    if inner == UInt8(ascii: "\"") {
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { break }
                        index += 1  // "" stands for one quote
                    } else if inner == UInt8(ascii: "\n") {
                        line += 1
                    }
                    field.append(inner)
                }
                guard index == bytes.count || [UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[index]) else {
                    throw DatasetError(path: path, line: line, reason: "text after the closing quote of a field")
                }
                continue
            }
            index += 1
            switch byte {
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\r") where index < bytes.count && bytes[index] == UInt8(ascii: "\n"):
                break  // the \n ends the record
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
        }
        if !field.isEmpty || !fields.isEmpty || quotedRecord { endRecord() }
        return records
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
