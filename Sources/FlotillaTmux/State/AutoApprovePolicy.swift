import Foundation

/// Whether an agent's approval prompts are answered yes without a person (`auto_approve` in the
/// fleet file): off, on, or on with `allow` / `deny` patterns matched against the prompt's own
/// lines (``ScreenClassifier/promptRegion(_:)``), never the whole screen.
public struct AutoApprovePolicy: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// When non-empty, the prompt's lines must match one of these.
    public var allow: [String]
    /// A prompt whose lines match one of these is left for a person.
    public var deny: [String]

    public init(enabled: Bool = false, allow: [String] = [], deny: [String] = []) {
        self.enabled = enabled
        self.allow = allow
        self.deny = deny
    }

    public static let off = AutoApprovePolicy()
    public static let on = AutoApprovePolicy(enabled: true)

    /// Whether to approve a prompt whose own lines are `prompt`.
    public func approves(_ prompt: String) -> Bool {
        guard enabled else { return false }
        func matches(_ pattern: String) -> Bool {
            prompt.range(of: pattern, options: .regularExpression) != nil
        }
        if deny.contains(where: matches) { return false }
        return allow.isEmpty || allow.contains(where: matches)
    }

    /// The prompt region of `screen` when the policy approves it; nil when the screen shows no
    /// prompt or the policy leaves it for a person.
    public func approvedPrompt(on screen: String, classifier: ScreenClassifier) -> String? {
        guard enabled, let prompt = classifier.promptRegion(screen), approves(prompt) else { return nil }
        return prompt
    }
}
