// codec-sweep: every PNG.Compression setting on a folder of 256x256 RGB PNGs, single-threaded.
//
//     swift run -c release codec-sweep [FOLDER] [--encode-images 64] [--decode-images 200]
//         [--repeats 7] [--levels 1-3] [--anchors results.json] [--reference-bytes N] [--quick]
//
// For each setting: the median time to encode one image, the mean file size, and the median time
// to decode the files that setting wrote. Also the decode time of the folder's own files. With
// `--anchors` (the results.json of ../shared/anchors (beside the checkout)/bench_anchors.py --sections codec) it
// prints OpenCV's and Pillow's figures beside ours and picks the fastest libpng setting whose
// files are at most 10% larger than OpenCV's default encoder's (how `.fast` was chosen up to
// 0.2.0; since 0.3.0 `.fast` is the built-in encoder, measured by encode-bench; see
// benchmarks/README.md).
//
// Timing: one warm-up pass, then `repeats` rounds; each round times one pass over all the images
// for every setting in turn (round-robin, starting at a different setting each round), so that
// a burst of load on a shared machine is spread over the settings instead of hitting one.
// Figures are medians over the rounds of (pass time / images).
import Augment
import BenchSupport
import CBenchZlib
import Foundation

struct Options {
    var folder: String?
    var encodeImages = 64
    var decodeImages = 200
    var repeats = 7
    var levels: ClosedRange<Int> = 1...3
    var anchors: String?
    var referenceBytes: Double?
    var sizeLimit = 1.10
    var only: [PNG.Compression] = []
    var decodeEach = true
}

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: codec-sweep [FOLDER] [--encode-images N] [--decode-images N] [--repeats N]
                           [--levels A-B] [--anchors results.json] [--reference-bytes N] [--quick]
                           [--only LEVEL,STRATEGY,FILTER ...] [--encode-only]
        FOLDER defaults to $\(BenchImages.environmentVariable).

        """.utf8))
    exit(2)
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    func value(_ flag: String) -> String {
        guard let next = arguments.popFirst() else { usage() }
        return next
    }
    func number(_ flag: String) -> Int {
        guard let number = Int(value(flag)) else { usage() }
        return number
    }
    while let argument = arguments.popFirst() {
        switch argument {
        case "--encode-images": options.encodeImages = number(argument)
        case "--decode-images": options.decodeImages = number(argument)
        case "--repeats": options.repeats = number(argument)
        case "--quick": options.repeats = 3
        case "--anchors": options.anchors = value(argument)
        case "--reference-bytes": options.referenceBytes = Double(number(argument))
        case "--levels":
            let parts = value(argument).split(separator: "-").compactMap { Int($0) }
            guard let low = parts.first, let high = parts.last, (0...9).contains(low), (low...9).contains(high) else {
                usage()
            }
            options.levels = low...high
        case "--only":  // LEVEL,STRATEGY,FILTER, e.g. 1,rle,sub: measure just this (repeatable; for profiling)
            let parts = value(argument).split(separator: ",").map(String.init)
            guard parts.count == 3, let level = Int(parts[0]), (0...9).contains(level),
                  let strategy = PNG.Compression.Strategy.allCases.first(where: { "\($0)" == parts[1] }),
                  let filter = PNG.Compression.Filter.allCases.first(where: { "\($0)" == parts[2] }) else { usage() }
            options.only.append(PNG.Compression(level: level, strategy: strategy, filter: filter))
        case "--encode-only": options.decodeEach = false  // skip decoding each setting's files (for profiling)
        case "-h", "--help": usage()
        default:
            if argument.hasPrefix("-") || options.folder != nil { usage() }
            options.folder = argument
        }
    }
    if options.folder == nil { options.folder = BenchImages.folderFromEnvironment }
    guard options.repeats >= 1, options.encodeImages >= 1, options.decodeImages >= 1 else { usage() }
    return options
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("codec-sweep: \(message)\n".utf8))
    exit(1)
}

// ------------------------------------------------------------------------------------ settings

typealias Compression = PNG.Compression

struct Setting {
    var compression: Compression
    var names: [String]  // ".fast", ".default", ".small" when the setting is one of them

    var label: String {
        let c = compression
        let grid = c.encoder == .builtIn ? "the built-in encoder" : "level \(c.level), \(c.strategy), \(c.filter)"
        return names.isEmpty ? grid : names.joined(separator: " ") + " (" + grid + ")"
    }
}

func allSettings(levels: ClosedRange<Int>, only: [Compression]) -> [Setting] {
    var settings: [Setting] = []
    var index: [Compression: Int] = [:]
    func add(_ compression: Compression, name: String? = nil) {
        if let at = index[compression] {
            if let name { settings[at].names.append(name) }
            return
        }
        index[compression] = settings.count
        settings.append(Setting(compression: compression, names: name.map { [$0] } ?? []))
    }
    if !only.isEmpty {
        only.forEach { add($0) }
        return settings
    }
    add(.fast, name: ".fast")
    add(.default, name: ".default")
    add(.small, name: ".small")
    for level in levels {
        for strategy in Compression.Strategy.allCases {
            for filter in Compression.Filter.allCases {
                add(Compression(level: level, strategy: strategy, filter: filter))
            }
        }
    }
    return settings
}

// ------------------------------------------------------------------------------------ anchors

/// OpenCV's and Pillow's figures from the anchors harness's results.json.
struct Anchors {
    struct Row { var usPerImage: Double; var bytes: Double? }
    var rows: [String: Row] = [:]  // "op | impl" -> row
    var started = "?"
    var versions: [String: String] = [:]

    init(path: String) throws(BenchSupport.BenchError) {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = root["results"] as? [[String: Any]] else {
            throw BenchSupport.BenchError("cannot read the anchors' results from \(path)")
        }
        if let meta = root["meta"] as? [String: Any] {
            started = meta["started"] as? String ?? "?"
            for (key, value) in meta["versions"] as? [String: Any] ?? [:] { versions[key] = "\(value)" }
        }
        for result in results where result["section"] as? String == "codec" {
            guard let op = result["op"] as? String, let impl = result["impl"] as? String,
                  let us = result["us"] as? Double else { continue }
            let bytes = result["mean_out_bytes"] as? Double ?? result["mean_file_bytes"] as? Double
            rows[op + " | " + impl] = Row(usPerImage: us, bytes: bytes)
        }
    }

    func find(_ op: String, _ implPrefix: String) -> Row? {
        rows.first { $0.key.hasPrefix(op + " | " + implPrefix) }?.value
    }

    var cv2Encode: Row? { find("encode 256x256", "cv2.imencode('.png') default") }
    var cv2Encode6: Row? { find("encode 256x256", "cv2.imencode IMWRITE_PNG_COMPRESSION=6") }
    var pilEncode: Row? { find("encode 256x256", "PIL save PNG default") }
    var pilEncode1: Row? { find("encode 256x256", "PIL save PNG compress_level=1") }
    var cv2Decode: Row? { find("decode 256x256", "cv2.imdecode(bytes in memory") }
    var cv2Imread: Row? { find("decode 256x256", "cv2.imread(path, IMREAD_COLOR)") }
    var cv2ImreadRGB: Row? { find("decode 256x256", "cv2.imread(path, IMREAD_COLOR_RGB)") }
    /// OpenCV's fastest 256x256 decode row (in memory or from a file in the page cache).
    var cv2FastestDecode: (name: String, row: Row)? {
        [("cv2.imdecode", cv2Decode), ("cv2.imread BGR", cv2Imread), ("cv2.imread RGB", cv2ImreadRGB)]
            .compactMap { name, row in row.map { (name, $0) } }
            .min { $0.1.usPerImage < $1.1.usPerImage }
    }
    var cv2DecodeCv2Written: Row? { find("decode 256x256 (cv2-written)", "cv2.imdecode(bytes)") }
    var pilDecode: Row? { find("decode 256x256", "PIL from BytesIO .convert") }
}

// ------------------------------------------------------------------------------------ measuring

func formatMs(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
func formatBytes(_ bytes: Double) -> String { String(format: "%.0f", bytes) }

let options = parseOptions()
guard let folder = options.folder else {
    fail("no folder given and $\(BenchImages.environmentVariable) is not set; " + BenchImages.howToMake)
}

let files: [(path: String, bytes: [UInt8])]
do { files = try BenchImages.load(folder: folder, limit: max(options.encodeImages, options.decodeImages)) } catch {
    fail(error.description)
}
let decodeFiles = files.prefix(options.decodeImages).map(\.bytes)
var sources: [Image] = []
for file in files.prefix(options.encodeImages) {
    do { sources.append(try PNG.decode(file.bytes)) } catch { fail("\(file.path): \(error)") }
}
let rawBytes = Double(sources.map { $0.pixels.count }.reduce(0, +)) / Double(sources.count)
let odd = sources.filter { $0.width != 256 || $0.height != 256 || $0.channels != 3 }
if !odd.isEmpty { print("note: \(odd.count) images are not 256x256 RGB (first: \(odd[0]))") }

let settings = allSettings(levels: options.levels, only: options.only)
var reference: Double? = options.referenceBytes
var anchors: Anchors?
if let path = options.anchors {
    do { anchors = try Anchors(path: path) } catch { fail(error.description) }
    if reference == nil { reference = anchors?.cv2Encode?.bytes }
}

print("# codec-sweep")
print("")
print("- folder: \(folder): \(sources.count) images encoded, \(decodeFiles.count) decoded, "
      + "\(sources.first.map(\.description) ?? "-") (\(formatBytes(rawBytes)) raw bytes per image)")
print("- machine: \(Machine.processors) logical CPUs, \(Machine.cpuModel); single-threaded")
print("- libpng \(PNG.libpngVersion), zlib \(String(cString: zlibVersion()))")
print("- \(options.repeats) rounds after a warm-up; medians of per-round means; \(settings.count) settings")
FileHandle.standardError.write(Data("measuring \(settings.count) settings x \(options.repeats) rounds...\n".utf8))

/// Times one pass of `body` over `count` items; returns seconds per item.
@inline(never)
func timePass(count: Int, _ body: (Int) throws(PNGError) -> Int) -> Double {
    var sink = 0
    let start = monotonicNanoseconds()
    for index in 0..<count {
        do { sink &+= try body(index) } catch { fail("\(error)") }
    }
    let elapsed = monotonicNanoseconds() - start
    if sink == 42 { print("") }  // keeps the work observable
    return Double(elapsed) / 1e9 / Double(count)
}

// Warm-up: encode with every setting once (this also gives the sizes and the files to decode).
var encoded: [[[UInt8]]] = []
for setting in settings {
    var outputs: [[UInt8]] = []
    for image in sources {
        do { outputs.append(try PNG.encode(image, compression: setting.compression)) } catch { fail("\(error)") }
    }
    encoded.append(outputs)
}
_ = timePass(count: decodeFiles.count) { index throws(PNGError) in try PNG.decode(decodeFiles[index]).pixels.count }

var encodeTimes = [[Double]](repeating: [], count: settings.count)
var decodeTimes = [[Double]](repeating: [], count: settings.count)
var sourceDecodeTimes: [Double] = []
for round in 0..<options.repeats {
    let order = (0...settings.count).map { ($0 + round * 7) % (settings.count + 1) }
    for item in order {
        if item == settings.count {  // the folder's own files
            sourceDecodeTimes.append(timePass(count: decodeFiles.count) { index throws(PNGError) in
                try PNG.decode(decodeFiles[index]).pixels.count
            })
            continue
        }
        let compression = settings[item].compression
        encodeTimes[item].append(timePass(count: sources.count) { index throws(PNGError) in
            try PNG.encode(sources[index], compression: compression).count
        })
        if !options.decodeEach { continue }
        let outputs = encoded[item]
        decodeTimes[item].append(timePass(count: outputs.count) { index throws(PNGError) in
            try PNG.decode(outputs[index]).pixels.count
        })
    }
    FileHandle.standardError.write(Data("  round \(round + 1)/\(options.repeats) done\n".utf8))
}

// ------------------------------------------------------------------------------------ report

struct Row {
    var setting: Setting
    var encode: Double, encodeMin: Double, encodeMax: Double
    var bytes: Double
    var decode: Double
}
let rows = settings.indices.map { i in
    Row(setting: settings[i], encode: median(encodeTimes[i]), encodeMin: encodeTimes[i].min()!,
        encodeMax: encodeTimes[i].max()!,
        bytes: Double(encoded[i].map(\.count).reduce(0, +)) / Double(encoded[i].count),
        decode: decodeTimes[i].isEmpty ? .nan : median(decodeTimes[i]))
}
let sourceDecode = median(sourceDecodeTimes)

print("")
print("## Decode of the folder's own files")
print("")
print("| files | mean bytes | decode ms/img (median) | min..max |")
print("|---|---|---|---|")
let sourceMean = Double(decodeFiles.map(\.count).reduce(0, +)) / Double(decodeFiles.count)
print("| \(decodeFiles.count) files of \(folder) | \(formatBytes(sourceMean)) | \(formatMs(sourceDecode)) | "
      + "\(formatMs(sourceDecodeTimes.min()!))..\(formatMs(sourceDecodeTimes.max()!)) |")

print("")
print("## Every setting, sorted by encode time")
print("")
let refHeader = reference.map { String(format: "bytes / %.0f (OpenCV default)", $0) } ?? "bytes / raw"
print("| setting | encode ms/img | min..max | mean bytes | \(refHeader) | decode ms/img of these files |")
print("|---|---|---|---|---|---|")
for row in rows.sorted(by: { $0.encode < $1.encode }) {
    let relative = row.bytes / (reference ?? rawBytes)
    print("| \(row.setting.label) | \(formatMs(row.encode)) | \(formatMs(row.encodeMin))..\(formatMs(row.encodeMax)) | "
          + "\(formatBytes(row.bytes)) | \(String(format: "%.3f", relative)) | \(formatMs(row.decode)) |")
}

guard let reference else {
    print("")
    print("(no --anchors or --reference-bytes: no size limit to pick a libpng setting against)")
    exit(0)
}

let limit = reference * options.sizeLimit
// Among libpng's settings: `.fast` itself is the built-in encoder since 0.3.0 (encode-bench).
let eligible = rows.filter { $0.bytes <= limit && $0.setting.compression.encoder == .libpng }
    .sorted { $0.encode < $1.encode }
print("")
print("## Fastest libpng setting with mean bytes <= \(String(format: "%.2f", options.sizeLimit)) x "
      + "\(formatBytes(reference)) = \(formatBytes(limit))")
print("")
if eligible.isEmpty {
    print("no setting is within the size limit")
} else {
    print("| rank | setting | encode ms/img | mean bytes | vs OpenCV bytes |")
    print("|---|---|---|---|---|")
    for (rank, row) in eligible.prefix(8).enumerated() {
        print("| \(rank + 1) | \(row.setting.label) | \(formatMs(row.encode)) | \(formatBytes(row.bytes)) | "
              + "\(String(format: "%+.1f%%", (row.bytes / reference - 1) * 100)) |")
    }
    // Settings within 2% of the fastest are a tie on this noisy machine (levels 1-3 even run the
    // same zlib code for the rle and huffmanOnly strategies): the tie goes to the smallest files,
    // then to the lowest level.
    let tied = eligible.filter { $0.encode <= eligible[0].encode * 1.02 }
    let chosen = tied.min { a, b in
        a.bytes != b.bytes ? a.bytes < b.bytes : a.setting.compression.level < b.setting.compression.level
    }!
    let best = chosen.setting.compression
    print("")
    print("\(tied.count) setting(s) within 2% of the fastest; the smallest files among them win.")
    // On photos alone; `.fast` also weighs content with flat areas (see benchmarks/README.md).
    print("fastest on these images: PNG.Compression(level: \(best.level), strategy: .\(best.strategy), filter: .\(best.filter))")
}

if let anchors {
    func named(_ name: String) -> Row? { rows.first { $0.setting.names.contains(name) } }
    let cvLike = rows.first { $0.setting.compression == Compression(level: 1, strategy: .rle, filter: .sub) }
    print("")
    print("## Side by side with the anchors (OpenCV, Pillow; run started \(anchors.started))")
    print("")
    print("| work | swift-augment | ms/img | bytes | OpenCV / Pillow | ms/img | bytes | their ms / our ms | our bytes / theirs |")
    print("|---|---|---|---|---|---|---|---|---|")
    func line(_ work: String, _ ours: String, _ ourSeconds: Double, _ ourBytes: Double?,
              _ theirs: String, _ anchor: Anchors.Row?) {
        guard let anchor else { return }
        let theirMs = anchor.usPerImage / 1e3
        let bytesRatio = zip2(ourBytes, anchor.bytes).map { String(format: "%.3f", $0 / $1) } ?? "-"
        print("| \(work) | \(ours) | \(formatMs(ourSeconds)) | \(ourBytes.map(formatBytes) ?? "-") | \(theirs) | "
              + "\(String(format: "%.3f", theirMs)) | \(anchor.bytes.map(formatBytes) ?? "-") | "
              + "\(String(format: "%.2f", theirMs / (ourSeconds * 1e3))) | \(bytesRatio) |")
    }
    func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? { a.flatMap { a in b.map { (a, $0) } } }
    line("decode 256x256 (Pillow-written files)", "PNG.decode", sourceDecode, nil, "cv2.imdecode", anchors.cv2Decode)
    line("decode 256x256 (Pillow-written files)", "PNG.decode", sourceDecode, nil, "cv2.imread(path) BGR", anchors.cv2Imread)
    line("decode 256x256 (Pillow-written files)", "PNG.decode", sourceDecode, nil, "cv2.imread(path) RGB", anchors.cv2ImreadRGB)
    line("decode 256x256 (Pillow-written files)", "PNG.decode", sourceDecode, nil, "PIL BytesIO + convert", anchors.pilDecode)
    if let cvLike {
        line("decode of OpenCV-default-style files", "PNG.decode of (1, rle, sub) output", cvLike.decode, cvLike.bytes,
             "cv2.imdecode of cv2.imencode output", anchors.cv2DecodeCv2Written)
    }
    if let fast = named(".fast") {
        line("encode, fast", "PNG.encode .fast", fast.encode, fast.bytes, "cv2.imencode default", anchors.cv2Encode)
        line("encode, fast", "PNG.encode .fast", fast.encode, fast.bytes, "PIL compress_level=1", anchors.pilEncode1)
    }
    if let cvLike {
        line("encode, OpenCV's settings", "PNG.encode (1, rle, sub)", cvLike.encode, cvLike.bytes,
             "cv2.imencode default", anchors.cv2Encode)
    }
    if let standard = named(".default") {
        line("encode, level 6", "PNG.encode .default", standard.encode, standard.bytes,
             "cv2.imencode level 6", anchors.cv2Encode6)
        line("encode, level 6", "PNG.encode .default", standard.encode, standard.bytes,
             "PIL default (level 6)", anchors.pilEncode)
    }
    if let small = named(".small") {
        line("encode, smallest", "PNG.encode .small", small.encode, small.bytes, "PIL default (level 6)", anchors.pilEncode)
    }

    print("")
    print("## Goals")
    print("")
    if let (name, cv) = anchors.cv2FastestDecode {
        let ratio = cv.usPerImage / 1e6 / sourceDecode  // both in seconds
        print("- decode at least as fast as OpenCV: ours \(formatMs(sourceDecode)) ms vs \(name) (OpenCV's fastest row) "
              + "\(String(format: "%.3f", cv.usPerImage / 1e3)) ms -> \(String(format: "%.2f", ratio))x: "
              + (ratio >= 1 ? "MET" : "NOT MET"))
    }
    if let cv = anchors.cv2Encode, let cvBytes = cv.bytes, let fast = named(".fast") {
        let speed = cv.usPerImage / 1e6 / fast.encode
        let size = fast.bytes / cvBytes
        print("- .fast encode at least 2x faster than cv2.imencode default: ours \(formatMs(fast.encode)) ms vs "
              + "\(String(format: "%.3f", cv.usPerImage / 1e3)) ms -> \(String(format: "%.2f", speed))x: "
              + (speed >= 2 ? "MET" : "NOT MET"))
        print("- .fast files at most 10% larger than OpenCV's: \(formatBytes(fast.bytes)) vs \(formatBytes(cvBytes)) "
              + "bytes -> \(String(format: "%+.1f%%", (size - 1) * 100)): " + (size <= options.sizeLimit ? "MET" : "NOT MET"))
    }
}
