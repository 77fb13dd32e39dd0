/// What kind of secret a finding is.
public enum SecretKind: String, Sendable, Hashable, Codable, CaseIterable {
    case awsAccessKeyID = "aws_access_key_id"
    /// A 40-character AWS secret key next to an access key id (or named as one).
    case awsSecretAccessKey = "aws_secret_access_key"
    case githubToken = "github_token"
    case slackToken = "slack_token"
    case openAIKey = "openai_key"
    case anthropicKey = "anthropic_key"
    case googleAPIKey = "google_api_key"
    /// The `-----BEGIN … PRIVATE KEY-----` line of a PEM or OpenSSH private key.
    case privateKey = "private_key"
    /// A random-looking value assigned to a key-, secret-, token- or password-like name.
    case highEntropy = "high_entropy"
}

/// A secret found on an added line: where (file and line of the new side), what kind, and the
/// line with the secret redacted. A finding never holds the secret itself.
public struct SecretFinding: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line number in the new version of the file.
    public var line: Int
    public var kind: SecretKind
    /// The line, trimmed and cut, with every secret found on it redacted (`AKIA…[redacted]`).
    public var excerpt: String

    public init(file: String, line: Int, kind: SecretKind, excerpt: String) {
        self.file = file
        self.line = line
        self.kind = kind
        self.excerpt = excerpt
    }

    public var description: String { "\(file):\(line): \(kind.rawValue): \(excerpt)" }

    public var json: JSONValue {
        ["file": .string(file), "line": .int(Int64(line)), "kind": .string(kind.rawValue), "excerpt": .string(excerpt)]
    }
}
