import FlotillaCore
import Foundation

/// Reads one agent kind's screen and says which ``ObservedState`` it shows, from ``ScreenRules``.
///
/// It looks at one screen only; settling, stuck detection and events over time are
/// ``StateTracker``'s job.
public struct ScreenClassifier: Sendable {
    /// What one screen shows.
    public struct Reading: Sendable, Hashable {
        /// The state the first matching rule names; `idle` when only the input box matched;
        /// nil when nothing matched.
        public var state: ObservedState?
        /// Whether the input box is on screen.
        public var hasInputBox: Bool
        /// The text sitting in the input box (placeholders removed); empty when none.
        public var inputText: String

        /// Whether a prompt typed now would be taken: the agent is idle, or it shows an error or
        /// a finished task with its input box on screen (it waits for the next prompt; typing
        /// is how a person gets it going again).
        public var acceptsInput: Bool {
            switch state {
            case .idle?: true
            case .error?, .complete?: hasInputBox
            default: false
            }
        }
    }

    struct CompiledRule: @unchecked Sendable {
        // NSRegularExpression is immutable and thread-safe once built.
        var state: ObservedState
        var any: [NSRegularExpression]
        var all: [NSRegularExpression]

        func matches(_ text: String, _ range: NSRange) -> Bool {
            if any.isEmpty && all.isEmpty { return false }
            let hit = { (pattern: NSRegularExpression) in pattern.firstMatch(in: text, range: range) != nil }
            return all.allSatisfy(hit) && (any.isEmpty || any.contains(where: hit))
        }
    }

    struct Compiled: @unchecked Sendable {
        // Only immutable NSRegularExpressions, as in CompiledRule: safe to share once built.
        var rules: [CompiledRule]
        var inputBox: NSRegularExpression?
        var placeholders: [NSRegularExpression]
        var promptStart: NSRegularExpression?
    }

    /// The agent kind this classifier reads.
    public let kind: String
    /// Keys that answer yes to an approval prompt.
    public let approveKeys: [String]
    /// Keys that empty the input box.
    public let clearKeys: [String]
    let compiled: Compiled
    let tail: Int
    private let inputLines: Int
    /// How far above its last line a prompt's block may reach (see ``promptRegion(_:)``).
    let promptLines: Int

    /// Builds the classifier of `kind` from `rules`; unknown kinds fall back to `shell`.
    public init(kind: String, rules: ScreenRules = .defaults) throws {
        let name = rules.kinds[kind] != nil ? kind : "shell"
        guard let spec = rules.kinds[name] else {
            throw FleetError(.invalidRules, "no screen rules for kind '\(kind)' and no 'shell' fallback")
        }
        self.kind = name
        self.tail = spec.tail ?? 15
        self.inputLines = spec.inputLines ?? 6
        self.promptLines = max(1, spec.promptLines ?? 8)
        self.approveKeys = spec.approveKeys ?? ["Enter"]
        self.clearKeys = spec.clearKeys ?? []
        func compile(_ pattern: String) throws -> NSRegularExpression {
            do {
                return try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            } catch {
                throw FleetError(.invalidRules, "kind '\(name)': bad pattern \(pattern): \(error)")
            }
        }
        let rules = try spec.rules.map {
            CompiledRule(state: $0.state, any: try ($0.any ?? []).map(compile), all: try ($0.all ?? []).map(compile))
        }
        self.compiled = Compiled(
            rules: rules,
            inputBox: try spec.inputBox.map(compile),
            placeholders: try (spec.placeholders ?? []).map(compile),
            promptStart: try spec.promptStart.map(compile)
        )
    }

    /// Whether this kind has an input box pattern, so typing can be confirmed on screen.
    public var watchesInputBox: Bool { compiled.inputBox != nil }

    /// Classifies `screen` (as `capture-pane -p` prints it).
    public func classify(_ screen: String) -> Reading {
        let recent = recentLines(screen)
        let region = recent.joined(separator: "\n")
        var reading = Reading(state: nil, hasInputBox: false, inputText: "")
        if let inputBox = compiled.inputBox {
            // The input box is the lowest line that looks like one.
            for line in recent.suffix(inputLines).reversed() {
                let range = NSRange(line.startIndex..., in: line)
                guard let match = inputBox.firstMatch(in: line, range: range) else { continue }
                reading.hasInputBox = true
                if match.numberOfRanges > 1, let textRange = Range(match.range(at: 1), in: line) {
                    let text = String(line[textRange]).trimmingWhitespace()
                    let isPlaceholder = compiled.placeholders.contains {
                        $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                    }
                    reading.inputText = isPlaceholder ? "" : text
                }
                break
            }
        }
        let range = NSRange(region.startIndex..., in: region)
        for rule in compiled.rules where rule.matches(region, range) {
            reading.state = rule.state
            return reading
        }
        if reading.hasInputBox { reading.state = .idle }
        return reading
    }
}
