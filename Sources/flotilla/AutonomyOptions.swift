import ArgumentParser
import FlotillaCore

/// `flotilla hub --autonomy …`: the hub's own initiative (docs/goals.md, "The hub's own initiative").
struct AutonomyOptions: ParsableArguments {
    @Flag(help: "Let the hub take initiative: scan the --autonomy-repo repositories on a schedule, propose improvement goals (they wait for approval), start its own goals only when the queue is idle, heal the fleet. Off by default.")
    var autonomy = false

    @Option(help: ArgumentHelp("With --autonomy: what its own goals may spend per UTC day, in US dollars (default 5).", valueName: "usd"))
    var autonomyBudget: Double?

    @Option(name: .customLong("autonomy-repo"), help: ArgumentHelp("With --autonomy: a git repository to scan (repeatable); its commands come from --autonomy-file.", valueName: "path"))
    var autonomyRepos: [String] = []

    @Option(help: ArgumentHelp("With --autonomy: a YAML or JSON file with each repository's test, lint and outdated commands and allow_low_risk (docs/goals.md).", valueName: "file"))
    var autonomyFile: String?

    @Option(help: ArgumentHelp("With --autonomy: how often it scans its repositories: seconds, or 90s, 30m, 6h, 1d (default 1h).", valueName: "duration"))
    var autonomyScanEvery: String?

    func validate() throws {
        guard autonomy || (autonomyBudget == nil && autonomyRepos.isEmpty && autonomyFile == nil && autonomyScanEvery == nil) else {
            throw ValidationError("--autonomy-budget, --autonomy-repo, --autonomy-file and --autonomy-scan-every only apply with --autonomy.")
        }
    }

    /// The scan interval in seconds (nil: the file's or the default).
    func scanEverySeconds() throws -> Double? {
        guard let autonomyScanEvery else { return nil }
        do {
            return try AutonomySettings.duration(Double(autonomyScanEvery).map(JSONValue.double) ?? .string(autonomyScanEvery), field: "autonomy-scan-every")
        } catch {
            throw ValidationError("--autonomy-scan-every: \(error.message)")
        }
    }
}
