import Foundation

/// Whether an agent's approval prompts are answered yes without a person (`auto_approve` in the
/// fleet file): off, on, or on with `allow` / `deny` patterns matched against the screen.
public struct AutoApprovePolicy: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// When non-empty, the prompt's screen must match one of these.
    public var allow: [String]
    /// A prompt whose screen matches one of these is left for a person.
    public var deny: [String]

    public init(enabled: Bool = false, allow: [String] = [], deny: [String] = []) {
        self.enabled = enabled
        self.allow = allow
        self.deny = deny
    }

    public static let off = AutoApprovePolicy()
    public static let on = AutoApprovePolicy(enabled: true)

    /// Whether to approve the prompt shown on `screen`.
    public func approves(_ screen: String) -> Bool {
        guard enabled else { return false }
        func matches(_ pattern: String) -> Bool {
            screen.range(of: pattern, options: .regularExpression) != nil
        }
        if deny.contains(where: matches) { return false }
        return allow.isEmpty || allow.contains(where: matches)
    }
}
