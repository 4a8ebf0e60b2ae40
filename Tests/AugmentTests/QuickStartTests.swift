import Foundation
import Testing

@Suite("Quick start")
struct QuickStartTests {
    /// The commands of the README's sh code blocks under "## Quick start".
    static func readmeCommands() throws -> [String] {
        let readme = try String(contentsOf: TestData.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Quick start").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        var commands: [String] = [], inBlock = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            if inBlock && !line.isEmpty { commands.append(String(line)) }
        }
        return commands
    }

    @Test("the README's Quick start has exactly two commands, and .ci/run runs exactly those")
    func ciRunsTheReadme() throws {
        let commands = try Self.readmeCommands()
        #expect(commands.count == 2)
        let script = try String(contentsOf: TestData.packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        let scriptCommands = script.split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.hasPrefix("set ") && !$0.hasPrefix("cd ") && !$0.isEmpty }
        #expect(scriptCommands == commands)
    }
}
