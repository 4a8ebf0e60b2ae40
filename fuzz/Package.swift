// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets (issue 8), in a package of their own: they are built with
// `--sanitize=fuzzer --sanitize=address`, and libFuzzer supplies `main`. See fuzz/README.md.
let package = Package(
    name: "swift-augment-fuzz",
    dependencies: [.package(name: "swift-augment", path: "..")],
    targets: ["fuzz-png", "fuzz-pipeline", "fuzz-cache"].map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "Augment", package: "swift-augment")],
            path: "Sources/\(name)",
            // No main: libFuzzer's calls LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
