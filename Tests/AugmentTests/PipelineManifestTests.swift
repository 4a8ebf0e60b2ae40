import Foundation
import Testing
@testable import Augment

/// Manifest lines: exact doubles, every record kind read back equal, a stable order, and
/// refusal of lines that are malformed or would read or write outside their folders.
@Suite("Pipeline manifests")
struct PipelineManifestTests {
    static func entry(_ transforms: [DrawnTransform], input: String = "cls/a.png", output: String = "cls/a_1.png",
                      copy: Int = 1) -> ManifestEntry {
        ManifestEntry(input: input, output: output, seed: 42, copy: copy, channels: nil, compression: .fast,
                      transforms: transforms)
    }

    @Test("100,000 random doubles survive the manifest's JSON bit for bit, and so do the awkward ones")
    func doublesRoundTrip() throws {
        var generator = SplitMix64(seed: 2718)
        var values: [Double] = [0, -0.0, 0.1, 1.0 / 3, 1e-5, 1e16, 1.5e300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi, 17.5]
        while values.count < 100_000 {
            let value = Double(bitPattern: generator.next())   // every exponent, sign and mantissa
            if value.isFinite { values.append(value) }
        }
        for index in 0..<20_000 { values.append(generator.uniform(-30...30) + Double(index % 3)) }
        for value in values {
            let text = DocumentValue.number(value).jsonText
            let read = try DocumentValue(parsingJSON: text).double
            #expect(read?.bitPattern == value.bitPattern, "\(text)")
        }
    }

    @Test("every kind of record reads back equal from its manifest line")
    func recordsRoundTrip() throws {
        var generator = SplitMix64(seed: 1)
        let records: [DrawnTransform] = [
            .skipped, .hflip, .vflip, .transpose, .rotate90(quarterTurns: -3),
            .rotate(degrees: generator.uniform(-30...30), interpolation: .nearest, fill: Fill([1, 2, 3, 255])),
            .zoom(scale: generator.uniform(0.8...1.2), interpolation: .bilinear, fill: Fill(7)),
            .crop(x: 0, y: 3, width: 5, height: 6), .centerCrop(width: 2, height: 9),
            .resize(width: 96, height: 64, interpolation: .area), .randomCrop(x: 4, y: 0, width: 8, height: 8),
            .randomResizedCrop(x: 1, y: 2, cropWidth: 30, cropHeight: 40, width: 96, height: 96, interpolation: .nearest),
            .oneOf(chosen: 2, transform: .oneOf(chosen: 0, transform: .rotate(degrees: -0.0, interpolation: .bilinear,
                                                                            fill: .zero))),
        ]
        let original = ManifestEntry(input: "cls 1/\u{e9}t\u{e9} \"q\".png", output: "cls 1/\u{e9}t\u{e9} \"q\"_0.png",
                                     seed: .max, copy: 0, channels: 3, compression: .level(9), transforms: records)
        let line = original.jsonLine
        #expect(!line.contains("\n"))
        let read = try ManifestEntry(jsonLine: line, lineNumber: 1)
        #expect(read == original)
        #expect(read.jsonLine == line, "writing it again gives the same bytes")
        #expect(line.contains(#""seed":18446744073709551615"#), "the seed is exact, beyond 2^53")
    }

    @Test("a line's layout: keys in a fixed order, skipped as a string, one_of nested")
    func lineLayout() {
        let line = Self.entry([.skipped, .rotate(degrees: -12.25, interpolation: .bilinear, fill: .zero),
                               .oneOf(chosen: 1, transform: .vflip)]).jsonLine
        #expect(line == #"{"input":"cls/a.png","output":"cls/a_1.png","seed":42,"copy":1,"channels":null,"#
            + #""compression":"fast","transforms":["skipped",{"op":"rotate","angle":-12.25,"interpolation":"bilinear","fill":0},"#
            + #"{"op":"one_of","chosen":1,"transform":{"op":"vflip"}}]}"#)
    }

    @Test("a manifest is sorted by input path bytes, then copy, whatever order its entries came in")
    func order() throws {
        let entries = [Self.entry([], input: "b.png", output: "b_1.png", copy: 1),
                       Self.entry([], input: "a/z.png", output: "a/z_0.png", copy: 0),
                       Self.entry([], input: "B.png", output: "B_0.png", copy: 0),
                       Self.entry([], input: "b.png", output: "b_0.png", copy: 0),
                       Self.entry([], input: "a/z.png", output: "a/z_10.png", copy: 10),
                       Self.entry([], input: "a/z.png", output: "a/z_2.png", copy: 2)]
        let manifest = Manifest(entries)
        #expect(manifest.entries.map(\.output) == ["B_0.png", "a/z_0.png", "a/z_2.png", "a/z_10.png", "b_0.png", "b_1.png"])
        #expect(Manifest(entries.reversed()).text == manifest.text)
        #expect(manifest.inputs == ["B.png", "a/z.png", "b.png"])
        #expect(try Manifest(parsing: manifest.text + "\n\n") == manifest, "the text reads back; blank lines are passed over")
    }

    @Test("bad lines are refused with the line number and the reason")
    func badLines() {
        func error(_ text: String) -> String? {
            do {
                _ = try Manifest(parsing: text)
                Issue.record("accepted: \(text)")
                return nil
            } catch {
                return error.description
            }
        }
        let good = Self.entry([.hflip]).jsonLine
        func replacing(_ old: String, _ new: String) -> String {
            #expect(good.contains(old), "the test's edit applies")
            return good.replacingOccurrences(of: old, with: new)
        }
        #expect(error(good + "\n{") == "line 2: invalid JSON: line 1, column 2: expected a key in double quotes")
        #expect(error(good + "\n" + good) == "line 2: the output cls/a_1.png is already made by line 1")
        #expect(error(replacing(#""input":"cls/a.png""#, #""input":"../a.png""#))
                == #"line 1: "input" must be a relative path without . or .. components"#)
        #expect(error(replacing(#""input":"cls/a.png""#, #""input":"/etc/a.png""#))?.contains("relative path") == true)
        #expect(error(replacing(#""output":"cls/a_1.png""#, #""output":"cls/../../x.png""#))?.contains("\"output\"") == true)
        #expect(error(replacing(#""output":"cls/a_1.png""#, #""output":"cls/a_1.txt""#))?.contains("ending in .png") == true)
        #expect(error(replacing(#""seed":42"#, #""seed":-1"#)) == #"line 1: "seed" must be an integer 0 to 2^64 - 1"#)
        #expect(error(replacing(#""copy":1,"#, "")) == #"line 1: missing key "copy""#)
        #expect(error(replacing(#""copy":1"#, #""copy":1,"extra":2"#))?.contains(#"unknown key "extra""#) == true)
        #expect(error(replacing(#""compression":"fast""#, #""compression":"max""#))?.contains("compression") == true)
        #expect(error(replacing(#""channels":null"#, #""channels":2"#))?.contains("channels") == true)
        #expect(error(replacing(#"{"op":"hflip"}"#, #"{"op":"rotate","angle":[1,2],"interpolation":"bilinear","fill":0}"#))
                == #"line 1: transforms[0] (rotate): key "angle": expected a number (the drawn value), found a list of 2 values"#)
        #expect(error(replacing(#"{"op":"hflip"}"#, #"{"op":"rotate","angle":1}"#))
                == #"line 1: transforms[0] (rotate): missing key "interpolation": expected the drawn value"#)
        #expect(error(replacing(#"{"op":"hflip"}"#, #"{"op":"one_of","chosen":0,"transform":"skipped"}"#))?
            .contains("transforms[0] (one_of): key \"transform\"") == true)
        #expect(error(replacing(#"{"op":"hflip"}"#, #"{"op":"shear"}"#))?.contains(#"unknown op "shear""#) == true)
        #expect(error(replacing(#"{"op":"hflip"}"#, #"{"op":"hflip","p":1}"#))?.contains(#"unknown key "p""#) == true)
    }
}
