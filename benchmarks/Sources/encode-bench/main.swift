// encode-bench: PNG encoding speed and size of `.fast` (the built-in encoder) beside libpng and
// zlib with the settings `.fast` had before (level 1, RLE, average filter) and with OpenCV's
// (level 1, RLE, sub filter), on sets of PNG files, single-threaded. With --cv2 FILE it puts
// cv2.imencode's figures (from encode_cv2.py, run just before on the same files) beside ours. The
// last column compares with libpng at OpenCV's settings measured in the same rounds, which a
// change of load between the two programs cannot skew.
//
//     encode-bench NAME=FOLDER[:LIMIT] ... [--cv2 cv2.json] [--repeats 7]
//
// Each set: its files ordered as the anchors harness orders them (file name, then path), the
// first LIMIT, decoded to RGB. Every encoding is decoded back and compared before timing. Timing:
// one warm-up pass, then `repeats` rounds; a round times one pass over the set for each encoder
// in turn, starting at a different one each round. Figures are medians over rounds of pass time
// per image (wall clock).
import Augment
import BenchSupport
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("encode-bench: \(message)\n".utf8))
    exit(2)
}

struct ImageSet {
    var name: String
    var folder: String
    var images: [Image]
}

var sets: [ImageSet] = []
var repeats = 7
var cv2Path: String?
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--repeats":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else { fail("--repeats takes a count") }
        repeats = value
        arguments.removeFirst()
    case "--cv2":
        guard let value = arguments.first else { fail("--cv2 takes a file") }
        cv2Path = value
        arguments.removeFirst()
    default:
        guard let equals = argument.firstIndex(of: "=") else { fail("expected NAME=FOLDER[:LIMIT], not \(argument)") }
        let name = String(argument[..<equals])
        var folder = String(argument[argument.index(after: equals)...])
        var limit = Int.max
        if let colon = folder.lastIndex(of: ":"), let value = Int(folder[folder.index(after: colon)...]) {
            limit = value
            folder = String(folder[..<colon])
        }
        do {
            let files = try BenchImages.load(folder: folder, limit: limit)
            let images = try files.map { try PNG.decode($0.bytes, options: .init(channels: 3)) }
            sets.append(ImageSet(name: name, folder: folder, images: images))
        } catch {
            fail("\(folder): \(error)")
        }
    }
}
if sets.isEmpty { fail("no image sets; usage: encode-bench NAME=FOLDER[:LIMIT] ... [--cv2 FILE] [--repeats N]") }

/// cv2.imencode's figures per set, from encode_cv2.py: milliseconds per image and mean bytes.
var cv2: [String: (ms: Double, bytes: Double)] = [:]
if let cv2Path {
    guard let data = FileManager.default.contents(atPath: cv2Path),
          let root = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
        fail("cannot read \(cv2Path)")
    }
    for (name, figures) in root {
        if let ms = figures["ms_per_image"] as? Double, let bytes = figures["mean_bytes"] as? Double {
            cv2[name] = (ms, bytes)
        }
    }
}

let encoders: [(name: String, compression: PNG.Compression)] = [
    ("`.fast` (built-in)", .fast),
    ("libpng (1, rle, average): the old `.fast`", PNG.Compression(level: 1, strategy: .rle, filter: .average)),
    ("libpng (1, rle, sub): OpenCV's settings", PNG.Compression(level: 1, strategy: .rle, filter: .sub)),
]

func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(Int(value))"
}

print("# PNG encoding, single-threaded (median of \(repeats) rounds, wall clock)\n")
print("CPU: \(Machine.cpuModel), \(Machine.processors) logical processors; libpng \(PNG.libpngVersion)\n")
for set in sets {
    let count = set.images.count
    let rawBytes = Double(set.images.reduce(0) { $0 + $1.pixels.count }) / Double(count)
    let first = set.images[0]
    print("## \(set.name): \(count) images from \(set.folder), \(first.width)x\(first.height)"
          + (set.images.allSatisfy { $0.width == first.width && $0.height == first.height } ? "" : " and others")
          + ", \(grouped(rawBytes)) raw bytes each\n")
    // Sizes, and a check that every output decodes to its input.
    var meanBytes: [Double] = []
    for encoder in encoders {
        var total = 0
        for image in set.images {
            do {
                let bytes = try PNG.encode(image, compression: encoder.compression)
                guard try PNG.decode(bytes) == image else { fail("\(encoder.name) does not round-trip on \(set.name)") }
                total += bytes.count
            } catch {
                fail("\(encoder.name) on \(set.name): \(error)")
            }
        }
        meanBytes.append(Double(total) / Double(count))
    }
    func pass(_ compression: PNG.Compression) -> Double {
        let start = monotonicNanoseconds()
        var sink = 0
        for image in set.images { sink &+= (try? PNG.encode(image, compression: compression).count) ?? 0 }
        precondition(sink > 0)
        return Double(monotonicNanoseconds() - start) / 1e6 / Double(count)
    }
    for encoder in encoders { _ = pass(encoder.compression) }
    var times = [[Double]](repeating: [], count: encoders.count)
    for round in 0..<repeats {
        for step in 0..<encoders.count {
            let index = (round + step) % encoders.count
            times[index].append(pass(encoders[index].compression))
        }
    }
    let reference = cv2[set.name]
    // libpng with OpenCV's settings runs the same code as cv2.imencode, in the same rounds as
    // ours: a like-for-like reference that a change of load between the two programs cannot skew.
    let openCVSettings = median(times[2])
    print("| encoder | ms per image | min..max | MB/s | mean bytes | bytes vs cv2 | bytes vs old `.fast` "
          + "| cv2 time / ours | (1, rle, sub) time / ours |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (index, encoder) in encoders.enumerated() {
        let ms = median(times[index])
        let sizeVersusCV2 = reference.map { format(100 * (meanBytes[index] / $0.bytes - 1), 1) + "%" } ?? ""
        let sizeVersusOld = format(100 * (meanBytes[index] / meanBytes[1] - 1), 1) + "%"
        let speedVersusCV2 = reference.map { format($0.ms / ms, 2) + "x" } ?? ""
        print("| \(encoder.name) | \(format(ms, 3)) | \(format(times[index].min()!, 3))..\(format(times[index].max()!, 3))"
              + " | \(format(rawBytes / ms / 1000, 0)) | \(grouped(meanBytes[index])) | \(sizeVersusCV2) | \(sizeVersusOld)"
              + " | \(speedVersusCV2) | \(format(openCVSettings / ms, 2))x |")
    }
    if let reference {
        print("| `cv2.imencode` default (encode_cv2.py) | \(format(reference.ms, 3)) | | \(format(rawBytes / reference.ms / 1000, 0))"
              + " | \(grouped(reference.bytes)) | 0.0% | \(format(100 * (reference.bytes / meanBytes[1] - 1), 1))% | 1.00x"
              + " | \(format(openCVSettings / reference.ms, 2))x |")
    }
    print("")
}
