import Crypto
import Foundation

/// What the hub's own initiative found in a registered repository (docs/goals.md, "The hub's
/// own initiative"): a failing test command, linter findings in a file, a TODO/FIXME line, an
/// outdated dependency. Made by the deterministic scanners (``FindingParsers``); one finding is
/// one improvement goal at most, ever, by its ``fingerprint``.
public struct AutonomyFinding: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case failingTests = "failing_tests"
        case lint
        case todo
        case outdated
    }

    public var kind: Kind
    /// The repository's path, as registered.
    public var repo: String
    /// One line a person reads ("2 failing tests: test_add, test_sub").
    public var summary: String
    /// Where: `path:line` for a TODO, a file for lint findings, nil for a whole repository.
    public var location: String?
    /// What the goal's prompt quotes (the failing output, the lint lines), capped.
    public var detail: String
    /// The normalized identity the fingerprint hashes: never a line number of a TODO (a moved
    /// line is the same finding), the sorted failing test names for tests.
    public var key: String
    /// The command whose output this came from (a test finding's verify command).
    public var command: String?

    public static let maxSummary = 300
    public static let maxDetail = 8_000

    public init(kind: Kind, repo: String, summary: String, location: String? = nil, detail: String = "", key: String, command: String? = nil) {
        self.kind = kind
        self.repo = repo
        self.summary = Self.oneLine(summary, limit: Self.maxSummary)
        self.location = location
        self.detail = detail.count <= Self.maxDetail ? detail : String(detail.prefix(Self.maxDetail)) + "\n…"
        self.key = key
        self.command = command
    }

    /// `<kind>:<24 hex of SHA-256(kind, repo, key)>`: stable across scans, restarts and moved lines.
    public var fingerprint: String { Self.fingerprint(kind: kind, repo: repo, key: key) }

    public static func fingerprint(kind: Kind, repo: String, key: String) -> String {
        let text = [kind.rawValue, normalizedRepo(repo), key].joined(separator: "\u{0}")
        let hex = SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return "\(kind.rawValue):\(hex)"
    }

    /// A repository path without a trailing `/` (so `/srv/api/` and `/srv/api` are one repo).
    public static func normalizedRepo(_ repo: String) -> String {
        var path = repo
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Text on one line: runs of whitespace become one space, trimmed, cut to `limit`.
    public static func oneLine(_ text: String, limit: Int = 500) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        let line = words.joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    /// The goal's sentence for this finding (one line, within ``GoalRequest/maxTitle``).
    public var goalTitle: String {
        let name = Self.normalizedRepo(repo).split(separator: "/").last.map(String.init) ?? repo
        let title = switch kind {
        case .failingTests: "Make the tests pass in \(name): \(summary)"
        case .lint: "Fix the linter findings in \(location ?? name): \(summary)"
        case .todo: "Resolve \(location ?? name): \(summary)"
        case .outdated: "Update the outdated dependency in \(name): \(summary)"
        }
        return Self.oneLine(title, limit: 400)
    }

    /// `{"kind","fingerprint","summary"}`: what `details["autonomy"].finding` holds.
    public var json: JSONValue {
        ["kind": .string(kind.rawValue), "fingerprint": .string(fingerprint), "summary": .string(summary)]
    }
}
