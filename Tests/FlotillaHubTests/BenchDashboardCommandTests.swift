import FlotillaCore
import Foundation
import Testing

/// `flotilla bench dashboard` end to end, small: the real binary seeds its store, connects its
/// agents and times every load and page it was asked for (the figures themselves are
/// docs/dashboard.md's, from a release build at full size).
@Suite struct BenchDashboardCommandTests {
    @Test func aSmallRunTimesEveryLoadAndPage() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HubProcess.binary)
        process.arguments = ["bench", "dashboard", "--tasks", "400", "--agents", "5", "--loads", "3", "--pages", "2", "--json"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // A hung benchmark must fail the test, not the suite's time budget.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()

        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        let report = try JSONValue.parse(data)
        #expect(report["tasks"] == 400 && report["agents"] == 5)
        #expect(report["first_load"]?["n"] == 3)
        let firstData = report["first_data"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(firstData.contains("/api/stats/history?minutes=15") && firstData.contains("/api/tasks?limit=50") && firstData.contains("/api/agents"))
        let pages = try #require(report["pages"]?.objectValue)
        #expect(pages.count == 4)
        for (name, figures) in pages {
            #expect(figures["n"] == 2, "\(name)")
            let p50 = figures["p50_ms"]?.doubleValue ?? 0
            #expect(p50 > 0 && p50 <= figures["p99_ms"]?.doubleValue ?? 0, "\(name): \(figures)")
        }
    }
}
