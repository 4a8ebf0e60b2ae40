// swift-tools-version:6.0
import PackageDescription

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
        .target(
            name: "Augment",
            dependencies: ["CPNGShim", "COpenBLAS", "CMalloc", .product(name: "Yams", package: "Yams")]
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
