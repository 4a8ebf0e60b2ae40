// swift-tools-version:6.2
// 6.2: the first whose packages may use `unsafeFlags` (the instruction-set modules below) and
// still be depended on by version.
import PackageDescription

// The kernels that need instructions beyond x86-64's baseline (SSE2) are compiled in modules of
// their own with those instructions enabled; Augment calls them only on CPUs that have them
// (`InstructionSet`). Swift has no per-function target attribute, so a module is the unit.
// On other architectures the modules are empty. `#if arch` is the building machine's: a
// cross-compilation from x86-64 to another architecture would pass these x86 flags and fail.
#if arch(x86_64)
// Optimized in debug builds too: unoptimized, a module would define its own weak copies of
// generic library functions (`loadUnaligned`), which the linker may then pick for every module,
// with instructions the CPU may lack. Optimized, each defines only its kernels (which
// InstructionSetTests checks with nm).
func instructionSetFlags(_ flags: String...) -> [SwiftSetting] {
    [.unsafeFlags(flags.flatMap { ["-Xcc", $0] } + ["-O"])]
}
#else
func instructionSetFlags(_ flags: String...) -> [SwiftSetting] { [] }
#endif

let package = Package(
    name: "swift-augment",
    products: [
        .library(name: "Augment", targets: ["Augment"]),
        .executable(name: "augment", targets: ["AugmentCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // YAML pipeline files (`augment run --pipeline FILE.yaml`).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // libpng, found through pkg-config. Only the C shim below includes it.
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        // Every setjmp around libpng lives here, so a libpng longjmp never crosses a Swift frame.
        .target(name: "CPNGShim", dependencies: ["CLibPNG", "CZlib"]),
        // OpenBLAS's cblas.h, found through pkg-config.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib (libpng-dev brings it): the shim checks the CRCs of chunks it does not decode
        // with zlib's crc32, and the tests use zlib as a reference.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's mallopt, to keep image-sized buffers in the heap (AllocatorTuning).
        .systemLibrary(name: "CMalloc"),
        // Made by scripts/generate_mirror_kernels.py.
        .target(name: "AugmentSSSE3", swiftSettings: instructionSetFlags("-mssse3")),
        .target(name: "AugmentAVX512VBMI", swiftSettings: instructionSetFlags("-mavx512vbmi")),
        .target(
            name: "Augment",
            dependencies: ["CPNGShim", "COpenBLAS", "CMalloc", "AugmentSSSE3", "AugmentAVX512VBMI",
                           .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "AugmentCLI",
            dependencies: [
                "Augment",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "AugmentTests",
            dependencies: ["Augment", "AugmentCLI", "CZlib"],
            // Read by path from the tests (reference images made by scripts/), not bundled.
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
