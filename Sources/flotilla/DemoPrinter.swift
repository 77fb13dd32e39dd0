import FlotillaClient
import FlotillaCore
import Foundation

/// The demo's terminal lines: a banner saying what runs and where to look, then one line per
/// round of tasks with the hub's counts. Bold and colour only on a terminal.
struct DemoPrinter: Sendable {
    let styled = isatty(STDOUT_FILENO) != 0

    func banner(baseURL: String, link: String?, root: String, adminTokenPath: String, seconds: Double?) {
        let hubDirectory = (adminTokenPath as NSString).deletingLastPathComponent
        var lines = [
            bold("Flotilla demo") + dim(" — a throwaway hub, three shell agents and a trickle of chained tasks"),
            "",
        ]
        if let link {
            lines.append("  dashboard  " + bold(link))
            lines.append(dim("             one-time sign-in link (valid for an hour); `flotilla dashboard` prints a new one"))
        } else {
            lines.append("  dashboard  " + bold(baseURL + "/signin"))
            lines.append(dim("             sign in with the admin token in \(adminTokenPath)"))
        }
        lines.append("  API        \(baseURL)   admin token: \(adminTokenPath)")
        lines.append("  agents     " + DemoScenario.agents.map { "\($0.id) (\($0.role))" }.joined(separator: " · "))
        lines.append("  data       \(root)" + dim("  (deleted when the demo stops)"))
        lines.append("")
        lines.append(dim("  other shells:  export FLOTILLA_HUB=\(baseURL) FLOTILLA_DATA_DIR=\(hubDirectory)"))
        lines.append(dim("                 flotilla tasks list · flotilla watch · flotilla dashboard"))
        lines.append("")
        lines.append(seconds.map { "Stops by itself after \(Self.number($0)) s, or on Ctrl-C." } ?? "Ctrl-C stops it and deletes everything.")
        Console.print(lines.joined(separator: "\n"))
    }

    func round(_ number: Int, scenario: DemoScenario, stats: JSONValue?) {
        var line = dim(Self.clock()) + "  round \(number)  demo-\(number)-build → test → review"
        if scenario.flaky(number) { line += yellow("  (the build fails once, then its retry succeeds)") }
        if scenario.doomed(number) { line += red("  + demo-\(number)-deploy (fails every attempt → dead)") }
        if let counts = stats?["tasks"]?["by_state"]?.objectValue {
            let shown = ["queued", "blocked", "running", "succeeded", "failed", "dead", "cancelled"].compactMap { state -> String? in
                guard let count = counts[state]?.intValue, count > 0 else { return nil }
                return "\(state) \(count)"
            }
            if !shown.isEmpty { line += dim("   [" + shown.joined(separator: " · ") + "]") }
        }
        Console.print(line)
    }

    func note(_ text: String) { Console.print(dim(text)) }

    func warn(_ text: String) { Console.printError(red("demo: ") + text) }

    private func bold(_ text: String) -> String { styled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { styled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    private func yellow(_ text: String) -> String { styled ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
    private func red(_ text: String) -> String { styled ? "\u{1B}[31m\(text)\u{1B}[0m" : text }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}
