import Foundation
import Testing

/// The dashboard's pure JavaScript modules (the ANSI parser, the DAG layout, the task filters)
/// have unit tests in Tests/DashboardJS, run with Node's built-in runner (`node --test`; no npm
/// packages). Node is Debian's `nodejs`; without it the suite is skipped with that message.
@Suite(.enabled(if: NodeJS.path != nil, NodeJS.skipReason))
struct DashboardScriptTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `*.test.mjs` in the folder: the shell's modules and the task views'.
    static var files: [String] {
        let folder = repository.appendingPathComponent("Tests/DashboardJS").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".test.mjs") }.sorted()
    }

    @Test func theDashboardsJavaScriptUnitTestsPass() async throws {
        let (status, output) = try await ChildOutput.run(
            try #require(NodeJS.path), ["--test", "--test-reporter=spec"] + Self.files.map { "Tests/DashboardJS/\($0)" },
            directory: Self.repository, errorsToo: true, timeout: 120
        )
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0, "node --test \(Self.files.joined(separator: " ")) failed:\n\(text)")
        // The runner must have found the suites (an empty folder also exits 0).
        #expect(text.contains("SGR colours") && text.contains("longest-path layering") && text.contains("throttle") && text.contains("on_failure edges to the handler"), "the runner did not run the ANSI, DAG, shell and workflow tests:\n\(text)")
    }
}
