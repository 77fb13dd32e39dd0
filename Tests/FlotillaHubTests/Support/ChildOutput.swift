import Foundation

/// Runs a program to its end and returns its exit status and standard output, waiting on a
/// thread of its own. The suite's tests share Swift's cooperative pool (two threads on two
/// cores): a test blocked reading a long child (a benchmark, `node --test`) would hold one of
/// them, and two such tests at once stalled every other test in the suite until they timed out.
///
/// The output goes to a file read once the child has ended, not through a pipe: reading a pipe
/// to its end with Foundation's `readDataToEndOfFile` once crashed the whole target in CI (a bad
/// pointer in its copy loop), and a file needs no reader while the child runs.
enum ChildOutput {
    static func run(
        _ executable: String, _ arguments: [String], directory: URL? = nil, errorsToo: Bool = false, errorFile: String? = nil, timeout: Double
    ) async throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("child-output-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outputFile, contents: nil)
        guard let output = FileHandle(forWritingAtPath: outputFile) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? output.close() }
        process.standardOutput = output
        if errorsToo {
            process.standardError = output
        } else if let errorFile {
            FileManager.default.createFile(atPath: errorFile, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errorFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread {
                // A hung child must fail its test, not eat the suite's time budget.
                let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
                process.waitUntilExit()
                watchdog.cancel()
                let data = FileManager.default.contents(atPath: outputFile) ?? Data()
                try? FileManager.default.removeItem(atPath: outputFile)
                continuation.resume(returning: (process.terminationStatus, data))
            }.start()
        }
    }
}
