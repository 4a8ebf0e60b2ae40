// swift-tools-version: 6.1
import PackageDescription

// The benchmarks live in their own package so that the library itself does not depend on
// ordo-one/benchmark. Run from this folder; see README.md.
let package = Package(
    name: "swift-augment-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-augment", path: ".."),
        // Only the malloc interposer trait: the default trait set also pulls in
        // swift-runtime-interposer on Linux with Swift 6.3, which is not needed here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Finding and loading the test PNGs, shared by both executables.
        .target(name: "BenchSupport", path: "Sources/BenchSupport"),
        // zlib's header, so that codec-sweep can print the zlib version libpng runs with.
        .systemLibrary(name: "CBenchZlib", path: "Sources/CBenchZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // ordo-one/benchmark suite: `swift package benchmark` (see README.md).
        .executableTarget(
            name: "PNGCodec",
            dependencies: [
                .product(name: "Augment", package: "swift-augment"),
                .product(name: "Benchmark", package: "benchmark"),
                "BenchSupport",
            ],
            path: "Benchmarks/PNGCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Plain executable: the table of every compression setting, used to pick `.fast`.
        .executableTarget(
            name: "codec-sweep",
            dependencies: [.product(name: "Augment", package: "swift-augment"), "BenchSupport", "CBenchZlib"],
            path: "Sources/codec-sweep"
        ),
        // Plain executable: PNG encoding with `.fast` (the built-in encoder) beside libpng's
        // settings, on several image sets, with cv2.imencode's figures from encode_cv2.py.
        .executableTarget(
            name: "encode-bench",
            dependencies: [.product(name: "Augment", package: "swift-augment"), "BenchSupport"],
            path: "Sources/encode-bench"
        ),
        // Plain executable: the geometric kernels, row for row beside the anchors' `ops` section.
        .executableTarget(
            name: "kernel-bench",
            dependencies: [.product(name: "Augment", package: "swift-augment"), "BenchSupport"],
            path: "Sources/kernel-bench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
