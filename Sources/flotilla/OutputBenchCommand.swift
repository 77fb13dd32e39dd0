import ArgumentParser
import FlotillaBench
import Foundation

/// `flotilla bench output`: what streaming one attempt's output costs the hub (CPU).
struct OutputBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Measure the hub's CPU while one attempt streams its output (followed live).",
        discussion: "Starts `flotilla hub` and `flotilla agent` as child processes on a fresh data directory, runs one shell task printing --rate bytes a second for --seconds, follows it over SSE, and reads the hub's CPU time from /proc. Build with -c release for meaningful figures."
    )

    @Option(help: ArgumentHelp("Bytes a second the task prints (suffixes KB, MB, KiB, MiB).", valueName: "rate")) var rate = "1MB"
    @Option(help: "Seconds the task prints for.") var seconds = 20
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard let bytes = Self.bytes(rate), bytes >= 1_000, bytes <= 100_000_000 else {
            throw ValidationError("--rate must be a rate from 1KB to 100MB a second, like 1MB or 512KiB.")
        }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be between 1 and 600.") }
    }

    /// `1MB` → 1,000,000; `1MiB` → 1,048,576; a plain number is bytes.
    static func bytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("KB", 1_000), ("MB", 1_000_000), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { Int($0 * Double(factor)) }
        }
        return Int(text)
    }

    func run() async throws {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let rate = Self.bytes(rate) ?? 1_000_000
        let report = try await OutputBench(rate: rate, seconds: seconds, binary: binary).run()
        if json {
            print(report.json.jsonString)
        } else {
            print("flotilla bench output — one shell task printing \(rate) bytes/s for \(seconds) s through `flotilla agent`, followed over SSE")
            print(report.text)
        }
    }
}
