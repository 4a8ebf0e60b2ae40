import Testing
@testable import Augment

/// `Pipeline.fixedOutputSize`: one test per rule, on pipelines written as pipeline files are.
@Suite("Pipeline output size")
struct PipelineOutputSizeTests {
    static func pipeline(_ transforms: String) throws -> Pipeline {
        try Pipeline(parsing: #"{"transforms": [\#(transforms)]}"#, format: .json)
    }

    static func size(_ transforms: String) throws -> Size? { try pipeline(transforms).fixedOutputSize }

    static func problem(_ transforms: String) throws -> String? { try pipeline(transforms).outputSizeProblem }

    static let prefix = "the pipeline must end in a fixed output size, e.g. random_resized_crop or resize: "

    @Test("no size-setting transform: not fixed, and the message says so")
    func noSizeSet() throws {
        #expect(try Self.size("") == nil)
        #expect(try Self.size(#"{"op": "hflip"}, {"op": "rotate", "angle": [-10, 10]}"#) == nil)
        #expect(try Self.problem(#"{"op": "hflip"}"#)
            == Self.prefix + "no transform sets the size, so each output keeps its input's size")
    }

    @Test("resize, crop, center_crop, random_crop and random_resized_crop with a fixed size set it")
    func sizeSetters() throws {
        #expect(try Self.size(#"{"op": "resize", "width": 32, "height": 24}"#) == Size(width: 32, height: 24))
        #expect(try Self.size(#"{"op": "crop", "x": [0, 5], "y": 1, "width": 10, "height": 12}"#) == Size(width: 10, height: 12))
        #expect(try Self.size(#"{"op": "center_crop", "width": 8, "height": 9}"#) == Size(width: 8, height: 9))
        #expect(try Self.size(#"{"op": "random_crop", "width": 7, "height": 6}"#) == Size(width: 7, height: 6))
        #expect(try Self.size(#"{"op": "random_resized_crop", "width": 96, "height": 64}"#) == Size(width: 96, height: 64))
        #expect(try Self.pipeline(#"{"op": "resize", "width": 32, "height": 24}"#).outputSizeProblem == nil)
        // The last setter wins.
        #expect(try Self.size(#"{"op": "resize", "width": 32, "height": 24}, {"op": "center_crop", "width": 8, "height": 8}"#)
            == Size(width: 8, height: 8))
    }

    @Test("a size drawn from a range is not fixed; a range of one value is")
    func ranges() throws {
        #expect(try Self.size(#"{"op": "resize", "width": [30, 40], "height": 24}"#) == nil)
        #expect(try Self.problem(#"{"op": "resize", "width": 32, "height": [20, 24]}"#)
            == Self.prefix + "transforms[0] (resize) with height in [20, 24]")
        #expect(try Self.size(#"{"op": "random_crop", "width": [5, 5], "height": 6}"#) == Size(width: 5, height: 6))
    }

    @Test("flips, rotate, zoom, pca_lighting and normalize keep the size")
    func keepers() throws {
        let setter = #"{"op": "resize", "width": 32, "height": 24}, "#
        for keeper in [#"{"op": "hflip"}"#, #"{"op": "vflip"}"#, #"{"op": "rotate", "angle": [-30, 30]}"#,
                       #"{"op": "zoom", "scale": [0.8, 1.2]}"#, #"{"op": "pca_lighting", "sigma": 0.1}"#,
                       #"{"op": "normalize"}"#] {
            #expect(try Self.size(setter + keeper) == Size(width: 32, height: 24), "\(keeper)")
        }
    }

    @Test("transpose swaps; rotate90 swaps with an odd fixed k, keeps with an even one, keeps a square whatever k")
    func swaps() throws {
        let setter = #"{"op": "resize", "width": 32, "height": 24}, "#
        #expect(try Self.size(setter + #"{"op": "transpose"}"#) == Size(width: 24, height: 32))
        #expect(try Self.size(setter + #"{"op": "rotate90", "k": 1}"#) == Size(width: 24, height: 32))
        #expect(try Self.size(setter + #"{"op": "rotate90", "k": 3}"#) == Size(width: 24, height: 32))
        #expect(try Self.size(setter + #"{"op": "rotate90", "k": 2}"#) == Size(width: 32, height: 24))
        #expect(try Self.size(setter + #"{"op": "rotate90"}"#) == nil, "k drawn from 0...3 on 32x24")
        #expect(try Self.problem(setter + #"{"op": "rotate90"}"#)
            == Self.prefix + "transforms[1] (rotate90) with k in [0, 3] on a non-square size (32x24)")
        #expect(try Self.size(#"{"op": "resize", "width": 20, "height": 20}, {"op": "rotate90"}"#) == Size(width: 20, height: 20))
    }

    @Test("p below 1 on a size-changing transform: fixed only when it changes nothing; p 0 never applies")
    func probability() throws {
        #expect(try Self.size(#"{"op": "random_resized_crop", "width": 9, "height": 9, "p": 0.5}"#) == nil)
        #expect(try Self.problem(#"{"op": "resize", "width": 9, "height": 9}, {"op": "resize", "width": 8, "height": 8, "p": 0.5}"#)
            == Self.prefix + "transforms[1] (resize) with p 0.5 changes the size only when it is applied")
        #expect(try Self.size(#"{"op": "resize", "width": 9, "height": 9}, {"op": "center_crop", "width": 9, "height": 9, "p": 0.5}"#)
            == Size(width: 9, height: 9))
        #expect(try Self.size(#"{"op": "resize", "width": 9, "height": 6}, {"op": "transpose", "p": 0.5}"#) == nil)
        #expect(try Self.size(#"{"op": "resize", "width": 6, "height": 6}, {"op": "transpose", "p": 0.5}"#) == Size(width: 6, height: 6))
        #expect(try Self.size(#"{"op": "resize", "width": 9, "height": 6}, {"op": "transpose", "p": 0}"#) == Size(width: 9, height: 6))
        #expect(try Self.size(#"{"op": "resize", "width": 9, "height": 6}, {"op": "hflip", "p": 0.5}"#) == Size(width: 9, height: 6))
    }

    @Test("one_of: fixed when every child that can be chosen gives the same size")
    func oneOf() throws {
        let same = #"{"op": "one_of", "transforms": [{"op": "resize", "width": 8, "height": 8}, {"op": "random_crop", "width": 8, "height": 8, "p": 0.3}]}"#
        #expect(try Self.size(same) == Size(width: 8, height: 8), "a child's p is its weight, not a coin toss")
        let different = #"{"op": "one_of", "transforms": [{"op": "resize", "width": 8, "height": 8}, {"op": "resize", "width": 4, "height": 4}]}"#
        #expect(try Self.problem(different) == Self.prefix + "transforms[0] (one_of) whose children give different sizes (8x8, 4x4)")
        let zeroWeight = #"{"op": "one_of", "transforms": [{"op": "resize", "width": 8, "height": 8}, {"op": "resize", "width": 4, "height": 4, "p": 0}]}"#
        #expect(try Self.size(zeroWeight) == Size(width: 8, height: 8), "a child of weight 0 is never chosen")
        let keeper = #"{"op": "resize", "width": 8, "height": 8}, {"op": "one_of", "transforms": [{"op": "hflip"}, {"op": "rotate90"}]}"#
        #expect(try Self.size(keeper) == Size(width: 8, height: 8))
        let unknownChild = #"{"op": "one_of", "transforms": [{"op": "resize", "width": 8, "height": 8}, {"op": "hflip"}]}"#
        #expect(try Self.size(unknownChild) == nil, "hflip keeps the unknown input size")
        let nested = #"{"op": "resize", "width": 8, "height": 6}, {"op": "one_of", "transforms": [{"op": "transpose"}, {"op": "rotate90"}]}"#
        #expect(try Self.problem(nested)
            == Self.prefix + "transforms[1] (one_of).transforms[1] (rotate90) with k in [0, 3] on a non-square size (8x6)")
    }

    @Test("the bundled standard pipeline ends in a fixed 96x96")
    func standard() throws {
        let pipeline = try Pipeline(contentsOfFile: TestData.packageRoot.appendingPathComponent("pipelines/standard.json").path)
        #expect(pipeline.fixedOutputSize == Size(width: 96, height: 96))
    }
}
