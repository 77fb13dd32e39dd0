import Foundation

/// Runs a program to its end and returns its exit status and standard output, waiting on a
/// thread of its own. The suite's tests share Swift's cooperative pool (two threads on two
/// cores): a test blocked reading a long child (a benchmark, `node --test`) would hold one of
/// them, and two such tests at once stalled every other test in the suite until they timed out.
enum ChildOutput {
    static func run(
        _ executable: String, _ arguments: [String], directory: URL? = nil, errorsToo: Bool = false, errorFile: String? = nil, timeout: Double
    ) async throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        // Standard error apart, when asked, goes to a file: a second pipe read after the first
        // could fill and hold the child up.
        if errorsToo {
            process.standardError = pipe
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
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                watchdog.cancel()
                continuation.resume(returning: (process.terminationStatus, data))
            }.start()
        }
    }
}
