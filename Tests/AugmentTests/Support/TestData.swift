import Foundation

/// Where the tests find data that is not in this repository, and the built `augment` tool.
enum TestData {
    /// The package root (this file is `Tests/AugmentTests/Support/TestData.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the checkout, or nil in a clone that has none.
    static let sharedData: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// PngSuite, or nil when `../shared/data/pngsuite` is absent.
    static let pngSuite: URL? = folder("pngsuite")
    /// The 24 Kodak photos, or nil when `../shared/data/kodak` is absent.
    static let kodak: URL? = folder("kodak")

    /// Message for tests that are skipped because the shared data is missing.
    static let absentNote = "../shared/data is absent beside this checkout: this test needs it and is skipped"

    private static func folder(_ name: String) -> URL? {
        guard let url = sharedData?.appendingPathComponent(name),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The bundled sample images.
    static let bundledImages = packageRoot.appendingPathComponent("images")

    /// The `augment` executable built beside the test bundle.
    static let augmentExecutable: URL = {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("augment")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return directory.appendingPathComponent("augment")
    }()

    /// Reads a whole file.
    static func bytes(of url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// A new empty folder under the system's temporary folder; remove it when done.
    static func makeTemporaryFolder(_ label: String = "augment-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
