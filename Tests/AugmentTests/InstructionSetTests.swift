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
    /// them) into an output with 64 guard bytes on either side, and checks every byte against
    /// the definition (output pixel i is source pixel count - 1 - i) and the guard bytes untouched.
    static func checkMirror(count: Int, channels: Int, instructions: InstructionSet, seed: UInt64) -> Bool {
        var generator = SplitMix64(seed: seed)
        let length = count * channels, guardBytes = 64
        let source = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(length, 1))
        let guarded = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: guardBytes + length + guardBytes)
        defer { source.deallocate(); guarded.deallocate() }
        for index in 0..<length { source[index] = UInt8(truncatingIfNeeded: generator.next()) }
        guarded.initialize(repeating: 0xA5)
        let (image, output) = (UnsafeBufferPointer(rebasing: source[0..<length]), guarded.baseAddress! + guardBytes)
        switch channels {
        case 1: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output, image: image, instructions: instructions, OneChannel.self)
        case 2: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output, image: image, instructions: instructions, TwoChannels.self)
        case 3: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output, image: image, instructions: instructions, ThreeChannels.self)
        default: Geometry.mirrorPixels(source.baseAddress!, count: count, into: output, image: image, instructions: instructions, FourChannels.self)
        }
        for pixel in 0..<count {
            for channel in 0..<channels where output[pixel * channels + channel] != source[(count - 1 - pixel) * channels + channel] {
                return false
            }
        }
        return guarded[..<guardBytes].allSatisfy { $0 == 0xA5 } && guarded[(guardBytes + length)...].allSatisfy { $0 == 0xA5 }
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

    @Test("AUGMENT_SIMD caps the level the tool uses (augment --version says which); another value is refused with exit status 64, before any work")
    func environmentCap() throws {
        #expect(InstructionSet(name: "baseline") == .baseline)
        #expect(InstructionSet(name: "SSE2") == .baseline)
        #expect(InstructionSet(name: "ssse3") == .ssse3)
        #expect(InstructionSet(name: "avx512vbmi") == .avx512vbmi)
        #expect(InstructionSet(name: "avx2") == nil)

        for (cap, expected) in [("", InstructionSet.detected), ("baseline", .baseline), ("ssse3", min(.ssse3, InstructionSet.detected)),
                                ("avx512vbmi", InstructionSet.detected)] {
            let version = try CommandRunner.augment(["--version"], environment: ["AUGMENT_SIMD": cap])
            #expect(version.status == 0)
            #expect(version.standardOutput == "\(AugmentVersion.description), kernels for \(expected)\n", "AUGMENT_SIMD=\(cap)")
        }

        let output = try TestData.makeTemporaryFolder("augment-simd")
        defer { try? FileManager.default.removeItem(at: output) }
        let refused = try CommandRunner.augment(["run", TestData.bundledImages.path, "--out", output.appendingPathComponent("out").path],
                                                environment: ["AUGMENT_SIMD": "avx2"])
        #expect(refused.status == 64)
        #expect(refused.standardError == "error: AUGMENT_SIMD=avx2: not an instruction set (expected one of: baseline, ssse3, avx512vbmi)\n")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("out").path), "nothing written")
    }

    @Test("augment run writes the same bytes under every level this CPU has (hflip: the mirror kernels, on RGB rows of 80 to 160 pixels)")
    func sameBytesUnderEveryLevel() throws {
        let folder = try TestData.makeTemporaryFolder("augment-simd")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipeline = folder.appendingPathComponent("flip.json")
        try Data(#"{"transforms": [{"op": "hflip"}]}"#.utf8).write(to: pipeline)
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
        // And the baseline's pixels are the mirror by its definition.
        for (name, bytes) in baseline {
            let original = try PNG.decode(TestData.bytes(of: TestData.bundledImages.appendingPathComponent(name)))
            let (width, channels) = (original.width, original.channels)
            var expected: [UInt8] = []
            for y in 0..<original.height {
                for x in 0..<width {
                    let sourcePixel = y * width + width - 1 - x
                    expected += original.pixels[sourcePixel * channels..<(sourcePixel + 1) * channels]
                }
            }
            #expect(try PNG.decode(bytes).pixels == expected, "\(name)")
        }
    }

    /// A function the instruction-set modules define for the linker, such as a weak copy of a
    /// generic library function, could be picked for the whole program and run where the CPU
    /// lacks the instructions it was compiled with. So the modules must define only their own.
    static let isX86 = {
        #if arch(x86_64)
        true
        #else
        false
        #endif
    }()

    @Test("the instruction-set modules define no global function but their own (no weak copies of library code)",
          .enabled(if: isX86, "the modules are empty off x86-64"))
    func modulesDefineOnlyTheirOwnFunctions() throws {
        let buildFolder = TestData.augmentExecutable.deletingLastPathComponent()
        for module in ["AugmentSSSE3", "AugmentAVX512VBMI"] {
            let object = buildFolder.appendingPathComponent("\(module).build/MirrorRGB.swift.o")
            try #require(FileManager.default.fileExists(atPath: object.path), "no \(object.path): built elsewhere?")
            let symbols = try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["nm", "--defined-only", object.path])
            try #require(symbols.status == 0, "nm: \(symbols.standardError)")
            // Mangled Swift names start with $s, the length of the module's name, and the name.
            let ownPrefix = "$s\(module.count)\(module)"
            let globalFunctions = symbols.standardOutput.split(separator: "\n").compactMap { line -> Substring? in
                let fields = line.split(separator: " ")
                return fields.count == 3 && ["T", "W", "i"].contains(fields[1]) ? fields[2] : nil
            }
            #expect(!globalFunctions.isEmpty && globalFunctions.allSatisfy { $0.hasPrefix(ownPrefix) },
                    "\(module) defines \(globalFunctions)")
        }
    }

    @Test("the instruction-set kernels are what scripts/generate_mirror_kernels.py writes")
    func generatedKernelsAreCurrent() throws {
        let script = TestData.packageRoot.appendingPathComponent("scripts/generate_mirror_kernels.py").path
        let result = try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, "--check"])
        #expect(result.status == 0, "\(result.standardError)")
    }
}
