import Foundation
import Testing

/// The dashboard's pure JavaScript modules (the ANSI parser, the DAG layout, the task filters)
/// have unit tests in Tests/DashboardJS, run with Node's built-in runner (`node --test`; no npm
/// packages). Node is Debian's `nodejs`; without it the suite is skipped with that message.
@Suite(.enabled(if: DashboardScriptTests.node != nil, "needs Node.js (Debian's nodejs) to run Tests/DashboardJS"))
struct DashboardScriptTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let node: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test func theDashboardsJavaScriptUnitTestsPass() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.node))
        process.arguments = ["--test", "--test-reporter=spec", "Tests/DashboardJS/"]
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
        #expect(process.terminationStatus == 0, "node --test Tests/DashboardJS failed:\n\(text)")
        #expect(text.contains("ansi") && text.contains("dag"), "the runner found no tests:\n\(text)")
    }
}
