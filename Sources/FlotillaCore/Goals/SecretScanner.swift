import Foundation

/// Finds secrets on the added lines of a diff before anything is pushed (issue 25): known key
/// formats (AWS access key ids and the secret keys next to them, GitHub, Slack, OpenAI,
/// Anthropic and Google keys, private key blocks) and random-looking values assigned to
/// secret-sounding names, less what the ``SecretAllowlist`` lets through. Each finding has the
/// file and new-side line, and an excerpt in which the secret is redacted.
public struct SecretScanner: Sendable {
    public let allowlist: SecretAllowlist
    /// Shannon entropy (bits per character) from which a value of letters, digits and `+/=_-` is
    /// taken for a secret; random base64 of 20 characters averages about 4.0.
    public let entropyThreshold: Double
    /// The same for a value of hex digits only (random hex of 20 characters averages about 3.4).
    public let hexEntropyThreshold: Double
    /// Shortest value the entropy rule looks at.
    public static let minEntropyLength = 20
    /// How many lines from an AWS access key id a 40-character secret key is looked for.
    public static let awsPairDistance = 5
    /// Words that make a value a placeholder, not a secret (`your-api-key-here-123`).
    public static let placeholderWords = ["example", "sample", "dummy", "fake", "placeholder", "changeme", "your", "xxxx", "redacted", "test"]

    private let allowedPatterns: [RiskPattern]
    private let allowedPaths: GlobList
    private let detectors = SecretDetectors.shared

    /// Compiles the allowlist (a bad regex or glob is an `invalid_field` error).
    public init(allowlist: SecretAllowlist = .standard, entropyThreshold: Double = 3.7, hexEntropyThreshold: Double = 3.0) throws(FlotillaError) {
        self.allowlist = allowlist
        self.entropyThreshold = entropyThreshold
        self.hexEntropyThreshold = hexEntropyThreshold
        var patterns: [RiskPattern] = []
        for (index, source) in allowlist.patterns.enumerated() { patterns.append(try RiskPattern(source, field: "patterns[\(index)]")) }
        allowedPatterns = patterns
        allowedPaths = try GlobList(allowlist.paths, field: "paths")
    }

    /// Findings on the added lines of every file, in diff order then line order.
    public func scan(_ diff: UnifiedDiff) -> [SecretFinding] {
        diff.files.flatMap { file in
            file.isBinary || file.newPath == nil ? [] : scan(file: file.path, lines: file.addedLines.map { ($0.newLine ?? 0, $0.text) })
        }
    }

    /// Findings in `lines` (new-side number and text) of `file`.
    public func scan(file: String, lines: [(number: Int, text: String)]) -> [SecretFinding] {
        guard !allowedPaths.matches(file) else { return [] }
        var found: [[Hit]] = lines.map { known(in: $0.text) }
        let keyLines = lines.indices.filter { found[$0].contains { $0.kind == .awsAccessKeyID } }.map { lines[$0].number }
        for index in lines.indices {
            let text = lines[index].text
            guard SecretDetectors.hasLongToken(text, length: Self.minEntropyLength) else { continue }
            let nearKey = keyLines.contains { abs($0 - lines[index].number) <= Self.awsPairDistance }
            if nearKey || text.contains(detectors.awsSecretName) {
                for range in SecretDetectors.matches(detectors.awsSecret, in: text, group: 1) where !found[index].overlaps(range) {
                    if Self.entropy(text[range]) >= 3.5 { found[index].append(Hit(kind: .awsSecretAccessKey, range: range, isSecret: true)) }
                }
            }
            for range in SecretDetectors.matches(detectors.assignment, in: text, group: 1) where !found[index].overlaps(range) {
                if looksRandom(text[range]) { found[index].append(Hit(kind: .highEntropy, range: range, isSecret: true)) }
            }
        }
        var out: [SecretFinding] = []
        for (index, line) in lines.enumerated() where !line.text.contains(SecretAllowlist.inlineMarker) {
            let hits = found[index].filter { !allowed(String(line.text[$0.range])) }.sorted { $0.range.lowerBound < $1.range.lowerBound }
            guard !hits.isEmpty else { continue }
            let excerpt = Self.excerpt(line.text, redacting: hits.filter(\.isSecret).map(\.range))
            out += hits.map { SecretFinding(file: file, line: line.number, kind: $0.kind, excerpt: excerpt) }
        }
        return out
    }

    struct Hit {
        var kind: SecretKind
        var range: Range<String.Index>
        var isSecret: Bool
    }

    /// Known formats on one line (those whose anchor occurs).
    private func known(in text: String) -> [Hit] {
        var hits: [Hit] = []
        for format in detectors.formats where format.anchors.contains(where: { text.contains($0) }) {
            for range in SecretDetectors.matches(format.regex, in: text) where !hits.overlaps(range) {
                hits.append(Hit(kind: format.kind, range: range, isSecret: format.isSecret))
            }
        }
        return hits
    }

    /// Letters and digits both, no placeholder word, and entropy over the threshold.
    func looksRandom(_ value: Substring) -> Bool {
        guard value.count >= Self.minEntropyLength,
              value.contains(where: \.isNumber), value.contains(where: \.isLetter) else { return false }
        let lowered = value.lowercased()
        guard !Self.placeholderWords.contains(where: { lowered.contains($0) }) else { return false }
        let hex = value.allSatisfy(\.isHexDigit)
        return Self.entropy(value) >= (hex ? hexEntropyThreshold : entropyThreshold)
    }

    private func allowed(_ value: String) -> Bool {
        allowlist.values.contains(value) || allowedPatterns.contains { $0.occurs(in: value) }
    }

    /// Shannon entropy of the characters of `text`, in bits per character.
    public static func entropy(_ text: some StringProtocol) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        guard total > 0 else { return 0 }
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }

    /// Most characters of an excerpt.
    public static let maxExcerpt = 160

    /// The line trimmed and cut, each secret replaced by its first four characters and
    /// `…[redacted]` (nothing of a secret shorter than 16 characters is kept).
    static func excerpt(_ text: String, redacting ranges: [Range<String.Index>]) -> String {
        var out = ""
        var cursor = text.startIndex
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound >= cursor {
            out += text[cursor..<range.lowerBound]
            let secret = text[range]
            out += (secret.count >= 16 ? String(secret.prefix(4)) : "") + "…[redacted]"
            cursor = range.upperBound
        }
        out += text[cursor...]
        let trimmed = out.drop(while: \.isWhitespace)
        return trimmed.count > maxExcerpt ? String(trimmed.prefix(maxExcerpt)) + "…" : String(trimmed)
    }
}

extension [SecretScanner.Hit] {
    fileprivate func overlaps(_ range: Range<String.Index>) -> Bool { contains { $0.range.overlaps(range) } }
}
