/// Replaces secrets in text with `[redacted]` before it is stored, logged or published.
///
/// What a task prints (its output tail, progress lines, result) goes to the store, the event
/// log, SSE, MQTT and logs; a task that echoes a credential must not spread it there. The rules
/// cover Flotilla's own tokens, `Authorization` headers and bearer credentials, passwords in
/// URLs, and well-known key shapes. Each rule runs only when its literal anchor occurs in the
/// text, so text without secrets (nearly all of it) costs a few substring searches.
public enum SecretRedactor {
    /// What stands in for a removed secret.
    public static let marker = "[redacted]"

    /// `text` with every secret the rules know replaced by ``marker``.
    public static func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var out = text
        // Lower-cased once for the anchors, again only after a rule changed the text.
        var lowered = Lowered(text)
        for rule in rules where rule.applies(to: lowered) {
            let replaced = out.replacing(rule.pattern) { match in rule.replacement(match.output) }
            guard replaced != out else { continue }
            out = replaced
            lowered = Lowered(out)
        }
        return out
    }

    /// Text lower-cased for the anchor search. ASCII text (nearly all output) is searched as
    /// bytes: String's own `contains` costs ~20 ms per 128 KiB, which streamed output (issue 22)
    /// cannot afford; other text keeps Unicode lower-casing and `contains`.
    struct Lowered {
        var ascii: [UInt8]?
        var unicode: String?

        init(_ text: String) {
            if text.utf8.allSatisfy({ $0 < 0x80 }) {
                ascii = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            } else {
                unicode = text.lowercased()
            }
        }

        func contains(_ anchor: [UInt8], _ text: String) -> Bool {
            guard let bytes = ascii else { return unicode?.contains(text) ?? false }
            guard let first = anchor.first, bytes.count >= anchor.count else { return false }
            return bytes.withUnsafeBufferPointer { haystack in
                var index = 0
                let last = haystack.count - anchor.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < anchor.count, haystack[index + matched] == anchor[matched] { matched += 1 }
                        if matched == anchor.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// `value` with every string in it (keys excepted) redacted.
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map(redact))
        case .object(let members): .object(members.mapValues(redact))
        default: value
        }
    }

    /// `url` with the password of its user information replaced (`mqtt://u:[redacted]@h`).
    public static func redactURL(_ url: String) -> String { redact(url) }

    // Unchecked: `Regex<AnyRegexOutput>` is not Sendable, but each rule is built once, is never
    // mutated, and matching does not change a compiled regex; `replacement` captures nothing.
    struct Rule: @unchecked Sendable {
        /// Lower-cased substrings, one of which must occur for the rule to run.
        let anchors: [String]
        let pattern: Regex<AnyRegexOutput>
        let replacement: (AnyRegexOutput) -> String

        init(_ anchors: [String], _ pattern: String, _ replacement: @escaping (AnyRegexOutput) -> String) {
            self.anchors = anchors
            // The patterns are constants of this file: a failure is a programming error.
            self.pattern = try! Regex(pattern)
            self.replacement = replacement
        }

        func applies(to lowered: Lowered) -> Bool {
            anchors.contains { lowered.contains(Array($0.utf8), $0) }
        }
    }

    /// Group `index` of a match, or "" when it did not take part.
    private static func group(_ output: AnyRegexOutput, _ index: Int) -> String {
        output[index].substring.map(String.init) ?? ""
    }

    /// In order: block and header rules first, so later rules see their results, not halves.
    static let rules: [Rule] = [
        // PEM private key blocks (an output tail may cut the END line off: then to the end).
        Rule(["private key-----"], #"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)"#) { output in
            let kind = group(output, 1)
            return "-----BEGIN \(kind)PRIVATE KEY-----\(marker)-----END \(kind)PRIVATE KEY-----"
        },
        // `Authorization: Bearer …`, `"authorization": "…"`: the whole value.
        Rule(["authorization"], #"(?i)(authorization["']?\s*[:=]\s*["']?)(?![\s"']*\[redacted\])[^\r\n"']+"#) { output in
            group(output, 1) + marker
        },
        // A bearer credential anywhere else (`curl -H "…Bearer x"`, logs). Not `basic`: that is
        // an ordinary word, and a Basic credential comes in an Authorization header.
        Rule(["bearer"], #"(?i)\b(bearer)(\s+)(?!\s*\[redacted\])[A-Za-z0-9._~+/=-]{8,}"#) { output in
            group(output, 1) + group(output, 2) + marker
        },
        // Flotilla tokens `flt_<id>_<secret>`: the id stays, it names the token.
        Rule(["flt_"], #"\bflt_([A-Za-z0-9]+)_[A-Za-z0-9]+"#) { output in
            "flt_\(group(output, 1))_\(marker)"
        },
        // Passwords in URLs: `scheme://user:password@host`.
        Rule(["://"], #"\b([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*):(?!\[redacted\])[^\s/@]+@"#) { output in
            "\(group(output, 1)):\(marker)@"
        },
        // OpenAI / Anthropic style keys: `sk-…`, `sk-proj-…`, `sk-ant-…`.
        Rule(["sk-"], #"\bsk-[A-Za-z0-9_-]{16,}"#) { _ in "sk-\(marker)" },
        // GitHub tokens: classic `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, fine-grained `github_pat_`.
        Rule(["gh"], #"\b(gh[pousr]_)[A-Za-z0-9]{20,}"#) { output in group(output, 1) + marker },
        Rule(["github_pat_"], #"\bgithub_pat_[A-Za-z0-9_]{20,}"#) { _ in "github_pat_\(marker)" },
        // Slack tokens.
        Rule(["xox"], #"\b(xox[abpr])-[A-Za-z0-9-]{8,}"#) { output in "\(group(output, 1))-\(marker)" },
        // AWS access key ids, and secret keys after their usual name.
        Rule(["akia", "asia"], #"\b(AKIA|ASIA)[0-9A-Z]{16}\b"#) { output in group(output, 1) + marker },
        Rule(["aws_secret_access_key"], #"(?i)(aws_secret_access_key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}"#) { output in
            group(output, 1) + marker
        },
    ]
}
