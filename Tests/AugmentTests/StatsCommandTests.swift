import Foundation
import Testing
@testable import Augment

/// `augment stats`, driven through the built executable as a user drives it.
@Suite("augment stats")
struct StatsCommandTests {
    @Test("prints the table, writes the JSON with the plain computation's figures, reports a corrupt file (exit 1)")
    func tableJSONAndFailure() throws {
        let root = try TestData.makeTemporaryFolder("augment-stats")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = [StatisticsTests.randomImage(width: 20, height: 15, channels: 3, seed: 1),
                      StatisticsTests.randomImage(width: 1, height: 1, channels: 3, seed: 2)]
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cls"), withIntermediateDirectories: true)
        try Data(try PNG.encode(images[0])).write(to: root.appendingPathComponent("a.png"))
        try Data(try PNG.encode(images[1])).write(to: root.appendingPathComponent("cls/b.png"))
        let good = try PNG.encode(images[0])
        try Data(good.prefix(good.count / 2)).write(to: root.appendingPathComponent("cls/broken.png"))
        let json = root.appendingPathComponent("out/stats.json").path
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("out").path, withIntermediateDirectories: true)

        let result = try CommandRunner.augment(["stats", root.path, "--json", json, "--workers", "2"])

        #expect(result.status == 1, "one image failed")
        #expect(result.errorLines == ["error: cls/broken.png: file is truncated"])
        #expect(result.standardOutput.hasPrefix("2 images, 301 pixels, 3 channels (values 0-255)\n"))
        for heading in ["channel", "covariance", "eigenvalue    eigenvector (R, G, B)"] {
            #expect(result.standardOutput.contains(heading))
        }
        let written = try DocumentValue(parsingJSON: String(contentsOfFile: json, encoding: .utf8))
        guard case .object(let members) = written else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["count", "images", "channels", "mean", "std", "covariance", "eigenvalues", "eigenvectors"])
        let statistics = try DatasetStatistics(contentsOfFile: json)
        let reference = StatisticsTests.reference(images)
        #expect(statistics.count == 301 && statistics.images == 2 && statistics.channels == 3)
        for i in 0..<3 {
            #expect(StatisticsTests.close(statistics.mean[i], reference.mean[i], scale: 255))
            #expect(result.standardOutput.contains(String(format: "%12.4f", statistics.mean[i])), "the table shows the mean")
            for j in 0..<3 {
                #expect(StatisticsTests.close(statistics.covariance[i][j], reference.covariance[i][j], scale: 65025))
            }
        }
    }

    @Test("a missing or PNG-less folder exits 2; mixed channels exit 2 until --channels converts them")
    func cannotRun() throws {
        let root = try TestData.makeTemporaryFolder("augment-stats")
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try CommandRunner.augment(["stats", root.appendingPathComponent("nowhere").path])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nowhere: No such file or directory"))
        let empty = try CommandRunner.augment(["stats", root.path])
        #expect(empty.status == 2)
        #expect(empty.errorLines == ["error: no PNG files found below \(root.path)"])

        try Data(try PNG.encode(StatisticsTests.randomImage(width: 3, height: 3, channels: 3, seed: 1)))
            .write(to: root.appendingPathComponent("a.png"))
        try Data(try PNG.encode(StatisticsTests.randomImage(width: 3, height: 3, channels: 1, seed: 2)))
            .write(to: root.appendingPathComponent("b.png"))
        let mixed = try CommandRunner.augment(["stats", root.path])
        #expect(mixed.status == 2)
        #expect(mixed.errorLines == ["error: b.png decodes to 1 channel but a.png to 3; convert every image to one count with --channels 1, 3 or 4"])
        #expect(mixed.standardOutput.isEmpty)
        let converted = try CommandRunner.augment(["stats", root.path, "--channels", "1", "--quiet"])
        #expect(converted.status == 0, "\(converted.standardError)")
        #expect(converted.standardOutput.isEmpty, "--quiet prints no table")
    }

    @Test("the Kodak photos: the same statistics with 1 and 2 threads", .enabled(if: TestData.kodak != nil, Comment(rawValue: TestData.absentNote)))
    func kodak() throws {
        let folder = try ImageFolder(TestData.kodak!.path)
        let one = ChannelStatistics.scan(folder, paths: folder.relativePaths, decoding: .init(channels: 3), workers: 1)
        let two = ChannelStatistics.scan(folder, paths: folder.relativePaths.reversed(), decoding: .init(channels: 3), workers: 2)
        #expect(one.failures.isEmpty)
        #expect(one.byChannels == two.byChannels)
        let statistics = try #require(try one.combined())
        #expect(statistics.images == 24)
        #expect(statistics.mean.allSatisfy { (60...200).contains($0) }, "photos have mid-range means: \(statistics.mean)")
    }
}
