/// The scanner's patterns: known key formats, each run only on a line holding its literal
/// anchor (most lines hold none, and a few substring searches cost far less than a regex).
// Unchecked: `Regex<AnyRegexOutput>` is not Sendable, but these are built once from constants,
// never mutated, and matching does not change a compiled regex.
struct SecretDetectors: @unchecked Sendable {
    struct Format {
        let kind: SecretKind
        let anchors: [String]
        let regex: Regex<AnyRegexOutput>
        /// Whether the match is the secret (redacted in excerpts); a PEM header is only its sign.
        let isSecret: Bool
    }

    let formats: [Format]
    /// A 40-character AWS secret key (group 1), not part of a longer token.
    let awsSecret: Regex<AnyRegexOutput>
    /// A name that says "AWS secret key" on the line.
    let awsSecretName: Regex<AnyRegexOutput>
    /// `name = value` where the name sounds secret; the value is group 1.
    let assignment: Regex<AnyRegexOutput>

    static let shared = SecretDetectors()

    private init() {
        func format(_ kind: SecretKind, _ anchors: [String], _ pattern: String, isSecret: Bool = true) -> Format {
            Format(kind: kind, anchors: anchors, regex: try! Regex(pattern), isSecret: isSecret)
        }
        formats = [
            format(.privateKey, ["PRIVATE KEY"], #"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"#, isSecret: false),
            format(.awsAccessKeyID, ["AKIA", "ASIA", "ABIA", "ACCA"], #"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"#),
            format(.githubToken, ["gh", "github_pat_"], #"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"#),
            format(.slackToken, ["xox"], #"\bxox[abprs]-[A-Za-z0-9-]{10,250}"#),
            format(.anthropicKey, ["sk-ant-"], #"\bsk-ant-[A-Za-z0-9_-]{20,}"#),
            format(.openAIKey, ["sk-"], #"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"#),
            format(.googleAPIKey, ["AIza"], #"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"#),
        ]
        awsSecret = try! Regex(#"(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"#)
        awsSecretName = try! Regex(#"(?i)aws.{0,20}secret|secret.?access.?key"#)
        assignment = try! Regex(#"(?i)[a-z0-9_.-]*(?:key|secret|token|passw(?:or)?d|pwd|credential|auth)[a-z0-9_.-]*["']?\s*(?::=|=>|=|:)\s*["'`]?(?:bearer\s+)?([a-z0-9+/=_-]{20,})"#)
    }

    /// The matches of `regex` in `text`: the whole match, or group `group`.
    static func matches(_ regex: Regex<AnyRegexOutput>, in text: String, group: Int = 0) -> [Range<String.Index>] {
        text.matches(of: regex).compactMap { $0.output[group].range }
    }

    /// Whether `text` holds a run of at least `length` characters a key could be made of.
    static func hasLongToken(_ text: String, length: Int) -> Bool {
        var run = 0
        for byte in text.utf8 {
            let tokenByte = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte == 0x2B || byte == 0x2F || byte == 0x3D || byte == 0x5F || byte == 0x2D
            run = tokenByte ? run + 1 : 0
            if run >= length { return true }
        }
        return false
    }
}
