#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The x86-64 instruction sets beyond the baseline that some kernels have a version for, in
/// increasing order: each level's CPUs have the levels below it.
///
/// Swift compiles for x86-64's baseline (SSE2), which has no byte shuffle, and has no
/// per-function target attribute. So the kernels that need one live in modules of their own,
/// compiled with that instruction set enabled (`AugmentSSSE3`, `AugmentAVX512VBMI`; see
/// Package.swift), and are called only when `available` says the CPU has it. Every version
/// writes the same bytes: the choice changes speed, never output.
public enum InstructionSet: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    /// x86-64's SSE2, or any other architecture: the portable kernels.
    case baseline
    /// SSSE3 (`pshufb`): Intel since Core 2 (2006), AMD since Bobcat and Bulldozer (2011; not
    /// the K10 Phenoms before them).
    case ssse3
    /// AVX-512 F, BW and VBMI (`vpermt2b`): Intel from Ice Lake (servers from Ice Lake-SP; not
    /// Skylake-SP or Cascade Lake, whose AVX-512 lacks VBMI, nor the Alder Lake to Arrow Lake
    /// client CPUs, which have no AVX-512), AMD from Zen 4.
    case avx512vbmi

    /// The environment variable that caps the level used: `baseline`, `ssse3` or `avx512vbmi`.
    /// For comparing the versions, and under a tool that emulates a CPU without those
    /// instructions while `/proc/cpuinfo` still shows the host's.
    public static let environmentVariable = "AUGMENT_SIMD"

    /// The level the kernels use: what the CPU has (`detected`), capped by `AUGMENT_SIMD`.
    /// An `AUGMENT_SIMD` that names no level means `baseline` here (the command-line tool
    /// refuses it before any work: `environmentCap`).
    public static let available: InstructionSet = {
        do { return min(detected, try environmentCap() ?? .avx512vbmi) } catch { return .baseline }
    }()

    /// What this CPU and operating system support: on Linux, from the `flags` line of
    /// `/proc/cpuinfo`, which the kernel clears of extensions whose registers it does not save
    /// (AVX-512 without its XSAVE state); `baseline` where that cannot be read, and on other
    /// systems and architectures.
    public static let detected: InstructionSet = {
        #if arch(x86_64) && os(Linux)
        guard let flags = CPUInfo.read().flatMap(cpuFlags(fromCPUInfo:)) else { return .baseline }
        return supported(byCPUFlags: flags)
        #else
        return .baseline
        #endif
    }()

    /// The level that the CPU flags (as `/proc/cpuinfo` spells them) allow.
    public static func supported(byCPUFlags flags: Set<String>) -> InstructionSet {
        guard flags.contains("ssse3") else { return .baseline }
        guard flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vbmi"]) else { return .ssse3 }
        return .avx512vbmi
    }

    /// The words of the first `flags` line of `/proc/cpuinfo`'s text (every processor has the
    /// same), or nil without one.
    public static func cpuFlags(fromCPUInfo text: String) -> Set<String>? {
        CPUInfo.firstValue(of: "flags", in: text).map { Set($0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)) }
    }

    /// The cap that `AUGMENT_SIMD` sets, nil when it is unset or empty.
    ///
    /// - Throws: `InstructionSetError` when it names no level.
    public static func environmentCap() throws(InstructionSetError) -> InstructionSet? {
        guard let value = getenv(environmentVariable).map({ String(cString: $0) }), !value.isEmpty else { return nil }
        guard let level = InstructionSet(name: value) else { throw InstructionSetError(value: value) }
        return level
    }

    /// The level a name gives (`baseline`, `ssse3`, `avx512vbmi`, as `description` spells them;
    /// `sse2` too, for the baseline), or nil.
    public init?(name: String) {
        switch name.lowercased() {
        case "baseline", "sse2": self = .baseline
        case "ssse3": self = .ssse3
        case "avx512vbmi": self = .avx512vbmi
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .ssse3: "ssse3"
        case .avx512vbmi: "avx512vbmi"
        }
    }

    public static func < (lhs: InstructionSet, rhs: InstructionSet) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An `AUGMENT_SIMD` that names no instruction set.
public struct InstructionSetError: Error, CustomStringConvertible, Equatable {
    /// The variable's value.
    public let value: String

    public var description: String {
        "\(InstructionSet.environmentVariable)=\(value): not an instruction set "
            + "(expected one of: \(InstructionSet.allCases.map(\.description).joined(separator: ", ")))"
    }
}
