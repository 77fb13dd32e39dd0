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

    @Test func theDashboardsJavaScriptUnitTestsPass() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(NodeJS.path))
        process.arguments = ["--test", "--test-reporter=spec"] + Self.files.map { "Tests/DashboardJS/\($0)" }
        process.currentDirectoryURL = Self.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // A hung test run must fail, not eat the suite's time budget.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationStatus == 0, "node --test \(Self.files.joined(separator: " ")) failed:\n\(text)")
        // The runner must have found the suites (an empty folder also exits 0).
        #expect(text.contains("SGR colours") && text.contains("longest-path layering") && text.contains("throttle") && text.contains("on_failure edges to the handler"), "the runner did not run the ANSI, DAG, shell and workflow tests:\n\(text)")
    }
}
