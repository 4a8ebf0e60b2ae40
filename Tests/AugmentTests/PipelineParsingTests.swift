import Foundation
import Testing
@testable import Augment

/// Pipeline files: JSON and YAML read to the same pipeline, defaults and aliases, and every
/// class of mistake refused with a message naming the position, the key and what was expected.
@Suite("Pipeline files")
struct PipelineParsingTests {
    static func parse(_ json: String) throws -> Pipeline { try Pipeline(parsing: json, format: .json) }

    /// The error a JSON pipeline text gives, or nil (recorded as an issue) when it is accepted.
    static func error(_ text: String, format: PipelineFileFormat = .json,
                      sourceLocation: SourceLocation = #_sourceLocation) -> PipelineFileError? {
        do {
            let pipeline = try Pipeline(parsing: text, format: format)
            Issue.record("accepted: \(pipeline)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    static let fullJSON = """
        {"transforms": [
          {"op": "hflip", "p": 0.5},
          {"op": "vflip", "p": 0},
          {"op": "rotate", "angle": [-30, 30], "interpolation": "nearest", "fill": [1, 2, 3]},
          {"op": "zoom", "scale": 1.25, "fill": 9},
          {"op": "crop", "x": 1, "y": [0, 4], "width": 20, "height": 10.0},
          {"op": "center_crop", "width": 16, "height": 8},
          {"op": "resize", "width": [30, 40], "height": 30, "interpolation": "area"},
          {"op": "rotate90", "k": 3},
          {"op": "transpose", "p": 1},
          {"op": "random_crop", "width": 12, "height": 12},
          {"op": "random_resized_crop", "width": 96, "height": 64, "scale": [0.5, 1], "ratio": [0.5, 2],
           "interpolation": "linear"},
          {"op": "one_of", "p": 0.7, "transforms": [{"op": "hflip", "p": 2e-1}, {"op": "rot90", "k": [1, 3]}]}
        ]}
        """

    static let fullYAML = """
        # The same pipeline, in YAML.
        transforms:
          - {op: hflip, p: 0.5}
          - op: vflip
            p: 0
          - op: rotate
            angle: [-30, 30]
            interpolation: nearest
            fill: [1, 2, 3]
          - {op: zoom, scale: 1.25, fill: 9}
          - {op: crop, x: 1, y: [0, 4], width: 20, height: 10.0}
          - {op: center_crop, width: 16, height: 8}
          - op: resize
            width: [30, 40]
            height: 30
            interpolation: area
          - {op: rotate90, k: 3}
          - {op: transpose, p: 1}
          - {op: random_crop, width: 12, height: 12}
          - op: random_resized_crop
            width: 96
            height: 64
            scale: [0.5, 1]
            ratio: [0.5, 2]
            interpolation: linear
          - op: one_of
            p: 0.7
            transforms:
              - {op: hflip, p: 0.2}
              - {op: rot90, k: [1, 3]}
        """

    @Test("every op and key read from JSON into the pipeline they describe")
    func readsEveryOperation() throws {
        let expected = Pipeline([
            Transform(.hflip, probability: 0.5),
            Transform(.vflip, probability: 0),
            Transform(.rotate(degrees: .range(-30...30), interpolation: .nearest, fill: Fill([1, 2, 3]))),
            Transform(.zoom(scale: .fixed(1.25), interpolation: .bilinear, fill: Fill(9))),
            Transform(.crop(x: .fixed(1), y: .range(0...4), width: .fixed(20), height: .fixed(10))),
            Transform(.centerCrop(width: .fixed(16), height: .fixed(8))),
            Transform(.resize(width: .range(30...40), height: .fixed(30), interpolation: .area)),
            Transform(.rotate90(quarterTurns: .fixed(3))),
            Transform(.transpose),
            Transform(.randomCrop(width: .fixed(12), height: .fixed(12))),
            Transform(.randomResizedCrop(.init(width: .fixed(96), height: .fixed(64), scale: 0.5...1, ratio: 0.5...2,
                                               interpolation: .bilinear))),
            Transform(.oneOf([Transform(.hflip, probability: 0.2), Transform(.rotate90(quarterTurns: .range(1...3)))]),
                      probability: 0.7),
        ])
        #expect(try Self.parse(Self.fullJSON) == expected)
        #expect(try Pipeline(parsing: Self.fullYAML, format: .yaml) == expected, "YAML gives the same pipeline")
    }

    @Test("defaults: p 1, bilinear, fill 0, rotate90's k drawn from 0...3, torchvision's scale and ratio")
    func defaults() throws {
        let pipeline = try Self.parse("""
            {"transforms": [{"op": "rotate", "angle": 10}, {"op": "rotate90"},
                            {"op": "random_resized_crop", "width": 8, "height": 8}]}
            """)
        #expect(pipeline.transforms == [
            Transform(.rotate(degrees: .fixed(10), interpolation: .bilinear, fill: Fill(0)), probability: 1),
            Transform(.rotate90(quarterTurns: .range(0...3))),
            Transform(.randomResizedCrop(.init(width: .fixed(8), height: .fixed(8), scale: 0.08...1,
                                               ratio: 0.75...(4.0 / 3.0), interpolation: .bilinear))),
        ])
        #expect(try Self.parse(#"{"transforms": []}"#) == Pipeline([]), "an empty pipeline is the identity")
    }

    @Test("the bundled pipelines/standard.json and standard.yaml are the same pipeline")
    func bundledPipelines() throws {
        let folder = TestData.packageRoot.appendingPathComponent("pipelines")
        let json = try Pipeline(contentsOfFile: folder.appendingPathComponent("standard.json").path)
        let yaml = try Pipeline(contentsOfFile: folder.appendingPathComponent("standard.yaml").path)
        #expect(json == yaml)
        #expect(json.transforms.map(\.operation.name) == ["hflip", "rotate", "zoom", "random_resized_crop"])
        #expect(json.transforms[0].probability == 0.5)
    }

    @Test("the format follows the extension, or the text's first character")
    func formats() {
        #expect(PipelineFileFormat(path: "a.JSON", text: "transforms: []") == .json)
        #expect(PipelineFileFormat(path: "a.yml", text: "{}") == .yaml)
        #expect(PipelineFileFormat(path: "a.yaml", text: "{}") == .yaml)
        #expect(PipelineFileFormat(path: "pipeline", text: "  \n{\"transforms\": []}") == .json)
        #expect(PipelineFileFormat(path: "pipeline", text: "transforms: []") == .yaml)
    }

    @Test("syntax errors name the line and column; duplicate keys are refused in JSON and YAML")
    func syntax() {
        let json = Self.error("{\"transforms\": [\n  {\"op\": \"hflip\",}\n]}")
        #expect(json?.kind == .syntax)
        #expect(json?.description == "pipeline: invalid JSON: line 2, column 18: expected a key in double quotes")
        let duplicate = Self.error(#"{"transforms": [{"op": "hflip", "p": 0.5, "p": 1}]}"#)
        #expect(duplicate?.kind == .syntax)
        #expect(duplicate?.description.contains("duplicate key \"p\"") == true)
        let yaml = Self.error("transforms:\n  - op: hflip\n   p: [1, 2", format: .yaml)
        #expect(yaml?.kind == .syntax)
        #expect(yaml?.description.hasPrefix("pipeline: invalid YAML:") == true)
        let yamlDuplicate = Self.error("transforms:\n  - op: hflip\n    op: vflip\n", format: .yaml)
        #expect(yamlDuplicate?.kind == .syntax)
        #expect(yamlDuplicate?.description.contains("duplicate key \"op\"") == true)
    }

    @Test("the top level: an object with a list under transforms, and nothing else")
    func topLevel() {
        #expect(Self.error("[1, 2]")?.description
                == #"pipeline: value: expected an object with a "transforms" key, found a list of 2 values"#)
        #expect(Self.error("{}")?.description
                == #"pipeline: missing key "transforms": expected a list of transforms, such as [{"op": "hflip", "p": 0.5}]"#)
        let unknown = Self.error(#"{"transforms": [], "seed": 3}"#)
        #expect(unknown?.kind == .unknownKey)
        #expect(unknown?.description == #"pipeline: unknown key "seed": expected one of transforms"#)
        let notList = Self.error(#"{"transforms": {"op": "hflip"}}"#)
        #expect(notList?.kind == .wrongType)
        #expect(Self.error(#"{"transforms": [3]}"#)?.description
                == #"transforms[0]: value: expected an object with an "op" key, found 3"#)
    }

    @Test("an unknown op names the ops there are; a missing or non-string op is refused")
    func unknownOperation() {
        let error = Self.error(#"{"transforms": [{"op": "hflip"}, {"op": "rotate", "angle": 3}, {"op": "shear", "x": 3}]}"#)
        #expect(error?.kind == .unknownOperation)
        #expect(error?.description == "transforms[2]: unknown op \"shear\": expected one of hflip, vflip, rotate, zoom, "
            + "crop, center_crop, resize, rotate90, transpose, random_crop, random_resized_crop, one_of, pca_lighting, normalize")
        #expect(Self.error(#"{"transforms": [{"p": 0.5}]}"#)?.kind == .missingKey)
        #expect(Self.error(#"{"transforms": [{"op": 3}]}"#)?.kind == .wrongType)
    }

    @Test("an unknown key names the keys the op takes")
    func unknownKey() {
        let error = Self.error(#"{"transforms": [{"op": "hflip"}, {"op": "rotate", "angel": 30}]}"#)
        #expect(error?.kind == .unknownKey)
        #expect(error?.description == #"transforms[1] (rotate): unknown key "angel": expected one of op, angle, interpolation, fill, p"#)
    }

    @Test("a missing required key says what it should be")
    func missingKey() {
        let rotate = Self.error(#"{"transforms": [{"op": "rotate", "fill": 3}]}"#)
        #expect(rotate?.kind == .missingKey)
        #expect(rotate?.description == #"transforms[0] (rotate): missing key "angle": expected a number, or a range [lo, hi] of numbers"#)
        #expect(Self.error(#"{"transforms": [{"op": "crop", "x": 0, "y": 0, "width": 4}]}"#)?.description
                == #"transforms[0] (crop): missing key "height": expected a positive integer, or a range [lo, hi] of positive integers"#)
        #expect(Self.error(#"{"transforms": [{"op": "one_of"}]}"#)?.kind == .missingKey)
    }

    @Test("a value of the wrong type names what was expected and what was found")
    func wrongType() {
        let cases: [(String, String)] = [
            (#"{"op": "rotate", "angle": "thirty"}"#,
             #"transforms[0] (rotate): key "angle": expected a number, or a range [lo, hi] of numbers, found the string "thirty""#),
            (#"{"op": "rotate", "angle": [1, 2, 3]}"#,
             #"transforms[0] (rotate): key "angle": expected a number, or a range [lo, hi] of numbers, found a list of 3 values"#),
            (#"{"op": "hflip", "p": true}"#, #"transforms[0] (hflip): key "p": expected a probability in [0, 1], found true"#),
            (#"{"op": "hflip", "p": [0, 1]}"#,
             #"transforms[0] (hflip): key "p": expected a probability in [0, 1], found a list of 2 values"#),
            (#"{"op": "resize", "width": null, "height": 3}"#,
             #"transforms[0] (resize): key "width": expected a positive integer, or a range [lo, hi] of positive integers, found null"#),
            (#"{"op": "zoom", "scale": 1, "interpolation": 1}"#,
             #"transforms[0] (zoom): key "interpolation": expected one of bilinear, nearest, found 1"#),
            (#"{"op": "zoom", "scale": 1, "fill": "black"}"#,
             #"transforms[0] (zoom): key "fill": expected an integer 0-255, or a list of 1 to 4 of them (one per channel), found the string "black""#),
            (#"{"op": "one_of", "transforms": {"op": "hflip"}}"#,
             #"transforms[0] (one_of): key "transforms": expected a non-empty list of transforms, at least one with p > 0, found an object"#),
        ]
        for (transform, message) in cases {
            let error = Self.error(#"{"transforms": ["# + transform + "]}")
            #expect(error?.kind == .wrongType, "\(transform)")
            #expect(error?.description == message)
        }
    }

    @Test("a value out of range names what is allowed")
    func outOfRange() {
        let cases: [(String, String)] = [
            (#"{"op": "hflip", "p": 1.5}"#, #"transforms[0] (hflip): key "p": expected a probability in [0, 1], found 1.5"#),
            (#"{"op": "hflip", "p": -0.1}"#, #"transforms[0] (hflip): key "p": expected a probability in [0, 1], found -0.1"#),
            (#"{"op": "rotate", "angle": [30, -30]}"#,
             #"transforms[0] (rotate): key "angle": expected a range [lo, hi] with lo <= hi, found [30,-30]"#),
            (#"{"op": "rotate", "angle": 1e400}"#, #"transforms[0] (rotate): key "angle": expected a finite number, found 1e400"#),
            (#"{"op": "zoom", "scale": 0}"#,
             #"transforms[0] (zoom): key "scale": expected a positive number, or a range [lo, hi] of positive numbers, found 0"#),
            (#"{"op": "zoom", "scale": [-1, 2]}"#,
             #"transforms[0] (zoom): key "scale": expected a positive number, or a range [lo, hi] of positive numbers, found [-1,2]"#),
            (#"{"op": "resize", "width": 0, "height": 5}"#,
             #"transforms[0] (resize): key "width": expected a positive integer, or a range [lo, hi] of positive integers, found 0"#),
            (#"{"op": "random_crop", "width": 5, "height": 2.5}"#,
             #"transforms[0] (random_crop): key "height": expected a positive integer, or a range [lo, hi] of positive integers, found 2.5"#),
            (#"{"op": "crop", "x": -1, "y": 0, "width": 5, "height": 5}"#,
             #"transforms[0] (crop): key "x": expected a non-negative integer, or a range [lo, hi] of non-negative integers, found -1"#),
            (#"{"op": "center_crop", "width": [9, 3], "height": 5}"#,
             #"transforms[0] (center_crop): key "width": expected a range [lo, hi] with lo <= hi, found [9,3]"#),
            (#"{"op": "random_resized_crop", "width": 8, "height": 8, "scale": [0, 1]}"#,
             #"transforms[0] (random_resized_crop): key "scale": expected a range [lo, hi] of area fractions within (0, 1], found [0,1]"#),
            (#"{"op": "random_resized_crop", "width": 8, "height": 8, "scale": [0.5, 1.5]}"#,
             #"transforms[0] (random_resized_crop): key "scale": expected a range [lo, hi] of area fractions within (0, 1], found [0.5,1.5]"#),
            (#"{"op": "random_resized_crop", "width": 8, "height": 8, "ratio": [2, 1]}"#,
             #"transforms[0] (random_resized_crop): key "ratio": expected a range [lo, hi] with lo <= hi, found [2,1]"#),
            (#"{"op": "random_resized_crop", "width": 8, "height": 8, "ratio": [0, 1]}"#,
             #"transforms[0] (random_resized_crop): key "ratio": expected a range [lo, hi] of positive aspect ratios (width / height), found [0,1]"#),
            (#"{"op": "rotate", "angle": 5, "interpolation": "area"}"#,
             #"transforms[0] (rotate): key "interpolation": expected one of bilinear, nearest, found the string "area""#),
            (#"{"op": "resize", "width": 5, "height": 5, "interpolation": "cubic"}"#,
             #"transforms[0] (resize): key "interpolation": expected one of nearest, bilinear, area, found the string "cubic""#),
            (#"{"op": "rotate", "angle": 5, "fill": 256}"#,
             #"transforms[0] (rotate): key "fill": expected an integer 0-255, or a list of 1 to 4 of them (one per channel), found 256"#),
            (#"{"op": "rotate", "angle": 5, "fill": [0, 0, 0, 0, 0]}"#,
             #"transforms[0] (rotate): key "fill": expected an integer 0-255, or a list of 1 to 4 of them (one per channel), found [0,0,0,0,0]"#),
            (#"{"op": "rotate", "angle": 5, "fill": [0, 12.5]}"#,
             #"transforms[0] (rotate): key "fill": expected an integer 0-255, or a list of 1 to 4 of them (one per channel), found [0,12.5]"#),
            (#"{"op": "one_of", "transforms": []}"#,
             #"transforms[0] (one_of): key "transforms": expected a non-empty list of transforms, at least one with p > 0, found []"#),
            (#"{"op": "one_of", "transforms": [{"op": "hflip", "p": 0}]}"#,
             #"transforms[0] (one_of): key "transforms": expected a non-empty list of transforms, at least one with p > 0, found every child has p = 0"#),
        ]
        for (transform, message) in cases {
            let error = Self.error(#"{"transforms": ["# + transform + "]}")
            #expect(error?.kind == .outOfRange, "\(transform)")
            #expect(error?.description == message)
        }
    }

    @Test("inside one_of, messages give the nested path")
    func nestedPaths() {
        let error = Self.error("""
            {"transforms": [{"op": "hflip"}, {"op": "one_of", "transforms": [
                {"op": "vflip"},
                {"op": "one_of", "transforms": [{"op": "zoom", "scale": [1.2, 0.8]}]}]}]}
            """)
        #expect(error?.description == "transforms[1] (one_of).transforms[1] (one_of).transforms[0] (zoom): "
            + #"key "scale": expected a range [lo, hi] with lo <= hi, found [1.2,0.8]"#)
        let yaml = Self.error("transforms:\n  - op: one_of\n    transforms:\n      - op: crop\n", format: .yaml)
        #expect(yaml?.description == #"transforms[0] (one_of).transforms[0] (crop): missing key "x": "#
            + "expected a non-negative integer, or a range [lo, hi] of non-negative integers")
    }

    @Test("YAML scalars: quoted numbers are strings, yes/no are booleans, ~ is null")
    func yamlScalars() {
        #expect(Self.error("transforms: [{op: rotate, angle: '30'}]", format: .yaml)?.description
                == #"transforms[0] (rotate): key "angle": expected a number, or a range [lo, hi] of numbers, found the string "30""#)
        #expect(Self.error("transforms: [{op: hflip, p: yes}]", format: .yaml)?.kind == .wrongType)
        #expect(Self.error("transforms: ~", format: .yaml)?.kind == .wrongType)
    }

    @Test("reading a file: an unreadable file, and errors prefixed with the file's path")
    func files() throws {
        let missing = #expect(throws: PipelineFileError.self) { try Pipeline(contentsOfFile: "/nonexistent/p.json") }
        #expect(missing?.kind == .unreadable)
        #expect(missing?.description == "/nonexistent/p.json: cannot read it: No such file or directory")
        let folder = try TestData.makeTemporaryFolder("pipeline-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml")
        try Data("transforms:\n  - op: hflip\n    p: 2\n".utf8).write(to: file)
        let error = #expect(throws: PipelineFileError.self) { try Pipeline(contentsOfFile: file.path) }
        #expect(error?.description == "\(file.path): transforms[0] (hflip): key \"p\": expected a probability in [0, 1], found 2")
    }
}
