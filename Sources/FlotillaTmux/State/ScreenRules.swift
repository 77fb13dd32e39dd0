import FlotillaCore
import Yams

/// The data that tells the classifier how to read each agent kind's screen, loaded from YAML.
///
/// The shipped rules are ``DefaultScreenRules/yaml``; user files extend them: a kind's rules in a
/// user file go before the shipped ones (so they win), `replace: true` drops the shipped rules
/// of that kind, and new kinds are simply added.
public struct ScreenRules: Sendable, Codable, Hashable {
    /// One rule: when any pattern matches the screen's recent lines, the agent is in `state`.
    public struct Rule: Sendable, Codable, Hashable {
        public var state: ObservedState
        /// Regular expressions (ICU syntax, multi-line anchors) tried against the recent lines:
        /// the rule matches when one of them does (and every `all` pattern does).
        public var any: [String]?
        /// Patterns that must all match.
        public var all: [String]?
        /// Free text saying where the pattern comes from, kept for people editing rules.
        public var note: String?

        public init(state: ObservedState, any: [String]? = nil, all: [String]? = nil, note: String? = nil) {
            self.state = state
            self.any = any
            self.all = all
            self.note = note
        }
    }

    /// How one agent kind (claude, codex, aider, gemini, shell …) draws its screen.
    public struct Kind: Sendable, Codable, Hashable {
        /// Rules in order: the first that matches decides the state. Approval prompts come first
        /// so they beat busy signals still on screen.
        public var rules: [Rule]
        /// A pattern for the input line; capture group 1 is the text sitting in it. When it
        /// matches and no rule does, the agent is idle (after the settle time).
        public var inputBox: String?
        /// Patterns of placeholder text an empty input box shows (e.g. `Try "…"`).
        public var placeholders: [String]?
        /// How many non-empty lines from the bottom of the screen the rules look at.
        public var tail: Int?
        /// How many non-empty lines from the bottom may hold the input box (a shell prompt must
        /// be the last line; Claude draws a status line under its box).
        public var inputLines: Int?
        /// Keys (tmux key names) that answer an approval prompt with yes.
        public var approveKeys: [String]?
        /// Keys that empty the input box before typing.
        public var clearKeys: [String]?
        /// A pattern for the first line of an approval prompt's block (a box's top border, a
        /// rule line, the question): auto-approve patterns see only the lines from there down.
        public var promptStart: String?
        /// How many lines above the prompt's last line its block may reach when no
        /// `prompt_start` line is found (default 8).
        public var promptLines: Int?
        /// With `replace: true` in a user file, the shipped rules of this kind are dropped.
        public var replace: Bool?

        enum CodingKeys: String, CodingKey {
            case rules, placeholders, tail, replace
            case inputBox = "input_box"
            case approveKeys = "approve_keys"
            case inputLines = "input_lines"
            case clearKeys = "clear_keys"
            case promptStart = "prompt_start"
            case promptLines = "prompt_lines"
        }
    }

    public var kinds: [String: Kind]

    public init(kinds: [String: Kind]) {
        self.kinds = kinds
    }

    /// Parses a rules document.
    public static func parse(yaml: String) throws -> ScreenRules {
        do {
            return try YAMLDecoder().decode(ScreenRules.self, from: yaml)
        } catch {
            throw FleetError(.invalidRules, "cannot read screen rules: \(error)")
        }
    }

    /// The shipped rules.
    public static let defaults: ScreenRules = {
        do { return try parse(yaml: DefaultScreenRules.yaml) } catch { fatalError("shipped screen rules do not parse: \(error)") }
    }()

    /// These rules extended (or overridden) by `user`.
    public func merged(with user: ScreenRules) -> ScreenRules {
        var result = self
        for (name, kind) in user.kinds {
            guard var base = result.kinds[name], kind.replace != true else {
                result.kinds[name] = kind
                continue
            }
            base.rules = kind.rules + base.rules
            base.inputBox = kind.inputBox ?? base.inputBox
            base.placeholders = (kind.placeholders ?? []) + (base.placeholders ?? [])
            base.tail = kind.tail ?? base.tail
            base.inputLines = kind.inputLines ?? base.inputLines
            base.approveKeys = kind.approveKeys ?? base.approveKeys
            base.clearKeys = kind.clearKeys ?? base.clearKeys
            base.promptStart = kind.promptStart ?? base.promptStart
            base.promptLines = kind.promptLines ?? base.promptLines
            result.kinds[name] = base
        }
        return result
    }
}
