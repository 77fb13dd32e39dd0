import Foundation

/// Reads the scanners' output into findings (pure; the commands run in FlotillaGoals). Each
/// reader is deterministic: the same output always gives the same findings, in the same order.
public enum FindingParsers {
    /// Most findings one reader returns from one output (a repository full of TODOs proposes
    /// a few at a time, not hundreds).
    public static let maxFindings = 50

    /// `git grep -n -E 'TODO|FIXME'` output (`path:line:text`): one finding per line, keyed by
    /// the path and the line's text with its whitespace collapsed, never its line number.
    public static func todos(gitGrep output: String, repo: String) -> [AutonomyFinding] {
        var seen: Set<String> = []
        var out: [AutonomyFinding] = []
        for line in output.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let number = Int(parts[1]), !parts[0].isEmpty else { continue }
            let path = String(parts[0])
            let text = AutonomyFinding.oneLine(String(parts[2]), limit: 1_000)
            let key = path + "\u{0}" + text
            guard seen.insert(key).inserted else { continue }
            out.append(AutonomyFinding(kind: .todo, repo: repo, summary: text, location: "\(path):\(number)", detail: "\(path):\(number): \(text)", key: key))
            if out.count == maxFindings { break }
        }
        return out
    }

    /// A test command that failed: one finding, keyed by the failing tests' names (sorted; see
    /// ``failingTestNames(_:)``), or by the command when no name could be read.
    public static func failingTests(output: String, exitCode: Int32?, command: String, repo: String) -> AutonomyFinding {
        let names = failingTestNames(output)
        let status = exitCode.map { "exit status \($0)" } ?? "no exit status (timed out or could not start)"
        let summary: String
        let key: String
        if names.isEmpty {
            summary = "'\(AutonomyFinding.oneLine(command, limit: 120))' fails (\(status))"
            key = "command\u{0}" + command
        } else {
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            summary = "\(names.count) failing test\(names.count == 1 ? "" : "s"): \(shown)"
            key = "tests\u{0}" + names.joined(separator: "\n")
        }
        return AutonomyFinding(kind: .failingTests, repo: repo, summary: summary, detail: "$ \(command)\n\(tail(output))", key: key, command: command)
    }

    /// The failing tests' names a test runner printed, sorted and unique: XCTest (`Test Case
    /// '…' failed`), swift-testing (`Test name() failed`), pytest (`FAILED path::name`),
    /// unittest (`FAIL: name (…)`, `ERROR: …`), Go (`--- FAIL: Name`), cargo (`test name ... FAILED`).
    public static func failingTestNames(_ output: String) -> [String] {
        var names: Set<String> = []
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmingSpaces
            if let range = line.range(of: "Test Case '"), let end = line[range.upperBound...].firstIndex(of: "'"),
               line[end...].contains("failed") {
                names.insert(String(line[range.upperBound..<end]))
            } else if let start = line.range(of: "Test "), let end = line.range(of: " failed", range: start.upperBound..<line.endIndex),
                      !line.hasPrefix("Test run"), !line.contains("Test Suite") {
                let name = String(line[start.upperBound..<end.lowerBound]).trimmingSpaces
                if !name.isEmpty, !name.hasPrefix("run "), !name.contains(" with "), name.count < 300 { names.insert(name) }
            } else if line.hasPrefix("FAILED "), line.contains("::") {
                let rest = line.dropFirst("FAILED ".count)
                names.insert(String(rest.components(separatedBy: " - ").first ?? String(rest)).trimmingSpaces)
            } else if line.hasPrefix("FAIL: ") || line.hasPrefix("ERROR: ") {
                let rest = line.drop { $0 != " " }.dropFirst()
                names.insert(String(rest).trimmingSpaces)
            } else if line.hasPrefix("--- FAIL: ") {
                let rest = line.dropFirst("--- FAIL: ".count)
                names.insert(String(rest.prefix { $0 != " " }))
            } else if line.hasPrefix("test "), line.hasSuffix(" ... FAILED") {
                names.insert(String(line.dropFirst(5).dropLast(" ... FAILED".count)).trimmingSpaces)
            }
        }
        return names.filter { !$0.isEmpty }.sorted()
    }

    /// A linter's output: `path:line[:column]: message` lines grouped by file, one finding per
    /// file, keyed by the file and its messages (without line numbers). Output with no such
    /// line from a command that failed is one finding keyed by the command.
    public static func lint(output: String, exitCode: Int32?, command: String, repo: String) -> [AutonomyFinding] {
        var byFile: [String: [(line: String, message: String)]] = [:]
        var order: [String] = []
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmingSpaces
            let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count >= 3, !parts[0].isEmpty, !parts[0].contains(" "), Int(parts[1]) != nil else { continue }
            let rest = parts.count == 4 && Int(String(parts[2]).trimmingSpaces) != nil ? parts[3] : parts[2...].joined(separator: ":")[...]
            let message = AutonomyFinding.oneLine(String(rest), limit: 300)
            guard !message.isEmpty else { continue }
            let path = String(parts[0])
            if byFile[path] == nil { order.append(path) }
            byFile[path, default: []].append((line, message))
        }
        if order.isEmpty {
            guard exitCode != 0 else { return [] }
            return [AutonomyFinding(kind: .lint, repo: repo, summary: "'\(AutonomyFinding.oneLine(command, limit: 120))' fails", detail: "$ \(command)\n\(tail(output))", key: "command\u{0}" + command, command: command)]
        }
        return order.sorted().prefix(maxFindings).map { path in
            let issues = byFile[path]!
            let messages = Set(issues.map(\.message)).sorted()
            let summary = "\(issues.count) finding\(issues.count == 1 ? "" : "s"): \(messages[0])"
            return AutonomyFinding(kind: .lint, repo: repo, summary: summary, location: path,
                                   detail: "$ \(command)\n" + issues.map(\.line).joined(separator: "\n"),
                                   key: path + "\u{0}" + messages.joined(separator: "\n"), command: command)
        }
    }

    /// An outdated-dependencies command's output (`npm outdated`, `pip list --outdated`, …):
    /// one finding per row, keyed by its first word (the package) and its last (the newest
    /// version); header rows (`Package …`) and rules (`----`) are skipped.
    public static func outdated(output: String, command: String, repo: String) -> [AutonomyFinding] {
        var out: [AutonomyFinding] = []
        var seen: Set<String> = []
        for raw in output.split(whereSeparator: \.isNewline) {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first, let last = words.last else { continue }
            if first.lowercased() == "package" || first.allSatisfy({ $0 == "-" || $0 == "=" }) { continue }
            let key = first + "\u{0}" + last
            guard seen.insert(String(key)).inserted else { continue }
            let row = AutonomyFinding.oneLine(String(raw), limit: 200)
            out.append(AutonomyFinding(kind: .outdated, repo: repo, summary: "\(first) (\(row))", location: String(first), detail: "$ \(command)\n\(row)", key: String(key), command: command))
            if out.count == maxFindings { break }
        }
        return out
    }

    /// The last 4,000 characters of `output` (where a runner prints its failures).
    static func tail(_ output: String) -> String {
        output.count <= 4_000 ? output : "…" + String(output.suffix(4_000))
    }
}
