import Foundation
import Testing
@testable import Augment

/// The kernels built for instruction sets beyond the baseline (the RGB mirror in
/// `AugmentSSSE3` and `AugmentAVX512VBMI`) against the definition of a mirror, each on its own,
/// and the choice of instruction set: from the CPU's flags, capped by `AUGMENT_SIMD`.
@Suite("Instruction-set kernels and their choice")
struct InstructionSetTests {
    /// Counts around every step of every path: 64-pixel blocks, 16-pixel blocks, the baseline's
    /// 16-pixel blocks with their edge reads, and the pixels left one by one.
    static let counts = Array(0...200) + [223, 224, 225, 255, 256, 257, 319, 320, 321, 1000, 1024]

    /// Mirrors `count` random pixels of `channels` channels with `instructions`, from a source
    /// allocated to exactly those pixels (so that AddressSanitizer reports any read outside
    /// them) into an output with 64 guard bytes after it, and checks every byte against the
    /// definition (output pixel i is source pixel count - 1 - i) and the guard bytes untouched.
    static func checkMirror(count: Int, channels: Int, instructions: InstructionSet, seed: UInt64) -> Bool {
        var generator = SplitMix64(seed: seed)
        let length = count * channels, guardBytes = 64
        let source = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(length, 1))
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: length + guardBytes)
        defer { source.deallocate(); output.deallocate() }
        for index in 0..<length { source[index] = UInt8(truncatingIfNeeded: generator.next()) }
        output.initialize(repeating: 0xA5)
        let image = UnsafeBufferPointer(rebasing: source[0..<length])
        switch channels {
        case 1: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output.baseAddress!, image: image, instructions: instructions, OneChannel.self)
        case 2: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output.baseAddress!, image: image, instructions: instructions, TwoChannels.self)
        case 3: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output.baseAddress!, image: image, instructions: instructions, ThreeChannels.self)
        default: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output.baseAddress!, image: image, instructions: instructions, FourChannels.self)
        }
        for pixel in 0..<count {
            for channel in 0..<channels where output[pixel * channels + channel] != source[(count - 1 - pixel) * channels + channel] {
                return false
            }
        }
        return output[length...].allSatisfy { $0 == 0xA5 }
    }

    static func checkEveryCount(_ instructions: InstructionSet) {
        for channels in 1...4 {
            let failures = counts.filter { !checkMirror(count: $0, channels: channels, instructions: instructions, seed: UInt64($0 * 4 + channels)) }
            #expect(failures.isEmpty, "\(instructions), \(channels) channels: wrong mirror for counts \(failures)")
        }
    }

    @Test("the baseline mirror (SSE2 only) is exact for every count")
    func baselineMirror() {
        Self.checkEveryCount(.baseline)
    }

    @Test("the SSSE3 mirror is exact for every count, and reads and writes only the pixels mirrored",
          .enabled(if: InstructionSet.detected >= .ssse3, "this CPU has no SSSE3: its kernel cannot run here"))
    func ssse3Mirror() {
        Self.checkEveryCount(.ssse3)
    }

    @Test("the AVX-512 VBMI mirror is exact for every count, and reads and writes only the pixels mirrored",
          .enabled(if: InstructionSet.detected >= .avx512vbmi, "this CPU has no AVX-512 VBMI: its kernel cannot run here"))
    func avx512vbmiMirror() {
        Self.checkEveryCount(.avx512vbmi)
    }

    @Test("the CPU's flags decide the level: SSSE3, then AVX-512 F, BW and VBMI all three")
    func levelsFromFlags() throws {
        let cpuInfo = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 9R14
            flags\t\t: fpu sse2 ssse3 sse4_1 avx2 avx512f avx512bw avx512vbmi
            bugs\t\t: sysret_ss_attrs

            processor\t: 1
            flags\t\t: fpu sse2

            """
        let flags = try #require(InstructionSet.cpuFlags(fromCPUInfo: cpuInfo))
        #expect(flags == ["fpu", "sse2", "ssse3", "sse4_1", "avx2", "avx512f", "avx512bw", "avx512vbmi"])
        #expect(InstructionSet.supported(byCPUFlags: flags) == .avx512vbmi)
        #expect(InstructionSet.supported(byCPUFlags: flags.subtracting(["avx512bw"])) == .ssse3,
                "VBMI without BW (as a kernel that cannot save the registers reports it) is not used")
        #expect(InstructionSet.supported(byCPUFlags: ["sse2", "avx2", "ssse3"]) == .ssse3)
        #expect(InstructionSet.supported(byCPUFlags: ["sse2", "sse3"]) == .baseline, "sse3 is not ssse3")
        #expect(InstructionSet.cpuFlags(fromCPUInfo: "processor\t: 0\nmodel name\t: a flags-free line\n") == nil)
        #expect(CPUInfo.firstValue(of: "model name", in: cpuInfo) == "AMD EPYC 9R14")
    }

    @Test("AUGMENT_SIMD names a level; another value is refused by the tool with exit status 64, before any work")
    func environmentCap() throws {
        #expect(InstructionSet(name: "baseline") == .baseline)
        #expect(InstructionSet(name: "SSE2") == .baseline)
        #expect(InstructionSet(name: "ssse3") == .ssse3)
        #expect(InstructionSet(name: "avx512vbmi") == .avx512vbmi)
        #expect(InstructionSet(name: "avx2") == nil)
        #expect(InstructionSet.available <= InstructionSet.detected)

        let output = try TestData.makeTemporaryFolder("augment-simd")
        defer { try? FileManager.default.removeItem(at: output) }
        let refused = try CommandRunner.augment(["run", TestData.bundledImages.path, "--out", output.appendingPathComponent("out").path],
                                                environment: ["AUGMENT_SIMD": "avx2"])
        #expect(refused.status == 64)
        #expect(refused.standardError == "error: AUGMENT_SIMD=avx2: not an instruction set (expected one of: baseline, ssse3, avx512vbmi)\n")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("out").path), "nothing written")
    }

    @Test("augment run writes the same bytes under every level this CPU has (hflip and a crop: the mirror kernels)")
    func sameBytesUnderEveryLevel() throws {
        let folder = try TestData.makeTemporaryFolder("augment-simd")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipeline = folder.appendingPathComponent("flip.json")
        try Data(#"{"transforms": [{"op": "hflip"}, {"op": "center_crop", "width": 40, "height": 30}]}"#.utf8).write(to: pipeline)
        var outputs: [InstructionSet: [String: [UInt8]]] = [:]
        for level in InstructionSet.allCases where level <= InstructionSet.detected {
            let out = folder.appendingPathComponent("out-\(level)")
            let result = try CommandRunner.augment(["run", TestData.bundledImages.path, "--out", out.path, "--pipeline", pipeline.path],
                                                   environment: ["AUGMENT_SIMD": level.description])
            #expect(result.status == 0, "\(level): \(result.standardError)")
            let names = RunCommandTests.files(below: out)
            outputs[level] = try Dictionary(uniqueKeysWithValues: names.map { ($0, try TestData.bytes(of: out.appendingPathComponent($0))) })
        }
        let baseline = try #require(outputs[.baseline])
        let bundled = RunCommandTests.files(below: TestData.bundledImages).filter { $0.hasSuffix(".png") }
        #expect(baseline.keys.sorted() == bundled, "every bundled image written")
        for (level, files) in outputs { #expect(files == baseline, "\(level) writes what the baseline writes") }
        // And the baseline's pixels are the mirror and the crop by their definition (every
        // bundled image's sides differ from the crop's by an even count: no rounding).
        for (name, bytes) in baseline {
            let original = try PNG.decode(TestData.bytes(of: TestData.bundledImages.appendingPathComponent(name)))
            let (left, top, channels) = ((original.width - 40) / 2, (original.height - 30) / 2, original.channels)
            var expected: [UInt8] = []
            for y in 0..<30 {
                for x in 0..<40 {
                    let sourcePixel = (top + y) * original.width + original.width - 1 - (left + x)
                    expected += original.pixels[sourcePixel * channels..<(sourcePixel + 1) * channels]
                }
            }
            #expect(try PNG.decode(bytes).pixels == expected, "\(name)")
        }
    }

    @Test("the instruction-set kernels are what scripts/generate_mirror_kernels.py writes")
    func generatedKernelsAreCurrent() throws {
        let script = TestData.packageRoot.appendingPathComponent("scripts/generate_mirror_kernels.py").path
        let result = try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, "--check"])
        #expect(result.status == 0, "\(result.standardError)")
    }
}
