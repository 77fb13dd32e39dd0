/// Gives a change its risk tier with every reason, from ``RiskRules`` over a parsed diff: docs
/// and tests only → low; other code → medium; auth, migrations, CI, dependency manifests,
/// infrastructure (the path rules), a large diff, deleted or weakened tests and new
/// dependencies → high. Pure: the same diff and rules always give the same answer.
public struct RiskClassifier: Sendable {
    public let rules: RiskRules
    private let lowRisk: GlobList
    private let paths: [(rule: RiskRules.PathRule, globs: GlobList)]
    private let testFiles: GlobList
    private let manifests: GlobList
    private let functions: [RiskPattern]
    private let assertions: [RiskPattern]
    private let skips: [RiskPattern]

    /// Most files or lines a reason quotes.
    static let maxQuoted = 5

    /// Compiles the rules' globs and patterns (a bad one is an `invalid_field` error).
    public init(rules: RiskRules = .standard) throws(FlotillaError) {
        self.rules = rules
        lowRisk = try GlobList(rules.lowRisk, field: "low_risk")
        var paths: [(RiskRules.PathRule, GlobList)] = []
        for (index, rule) in rules.paths.enumerated() { paths.append((rule, try GlobList(rule.globs, field: "paths[\(index)].globs"))) }
        self.paths = paths
        testFiles = try GlobList(rules.tests.globs, field: "tests.globs")
        manifests = try GlobList(rules.dependencyManifests, field: "dependency_manifests")
        func compile(_ list: [String], _ field: String) throws(FlotillaError) -> [RiskPattern] {
            var out: [RiskPattern] = []
            for (index, source) in list.enumerated() { out.append(try RiskPattern(source, field: "\(field)[\(index)]")) }
            return out
        }
        functions = try compile(rules.tests.functions, "tests.functions")
        assertions = try compile(rules.tests.assertions, "tests.assertions")
        skips = try compile(rules.tests.skips, "tests.skips")
    }

    public func classify(_ diff: UnifiedDiff) -> RiskAssessment {
        guard !diff.files.isEmpty else {
            return RiskAssessment(reasons: [RiskReason(rule: "no_changes", tier: .low, message: "the diff changes nothing")])
        }
        var reasons: [RiskReason] = []
        let files = diff.files.map(\.path)
        let outside = files.filter { !lowRisk.matches($0) }
        if outside.isEmpty {
            reasons.append(RiskReason(rule: "docs_tests_only", tier: .low, message: "only documentation and tests change (\(count(files.count, "file")))", files: files))
        } else {
            reasons.append(RiskReason(rule: "source_change", tier: .medium, message: "changes \(count(outside.count, "file")) outside documentation and tests: \(quote(outside))", files: outside))
        }
        for (rule, globs) in paths {
            let hit = diff.files.flatMap { file in [file.oldPath, file.newPath].compactMap { $0 } }.filter(globs.matches)
            let unique = hit.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if !unique.isEmpty {
                reasons.append(RiskReason(rule: "path:\(rule.name)", tier: rule.tier, message: "touches \(rule.name): \(quote(unique))", files: unique))
            }
        }
        reasons += sizeReasons(diff)
        reasons += testReasons(diff)
        reasons += dependencyReasons(diff)
        let binary = diff.files.filter(\.isBinary).map(\.path)
        if !binary.isEmpty {
            reasons.append(RiskReason(rule: "binary", tier: .medium, message: "changes binary files, which no rule can read: \(quote(binary))", files: binary))
        }
        return RiskAssessment(reasons: reasons)
    }

    private func sizeReasons(_ diff: UnifiedDiff) -> [RiskReason] {
        var out: [RiskReason] = []
        let lines = diff.addedLineCount + diff.removedLineCount
        if lines >= rules.highLines {
            out.append(RiskReason(rule: "size_lines", tier: .high, message: "changes \(lines) lines (+\(diff.addedLineCount) −\(diff.removedLineCount)); \(rules.highLines) or more is high"))
        } else if lines >= rules.mediumLines {
            out.append(RiskReason(rule: "size_lines", tier: .medium, message: "changes \(lines) lines (+\(diff.addedLineCount) −\(diff.removedLineCount)); \(rules.mediumLines) or more is medium"))
        }
        if diff.files.count >= rules.highFiles {
            out.append(RiskReason(rule: "size_files", tier: .high, message: "changes \(diff.files.count) files; \(rules.highFiles) or more is high"))
        }
        return out
    }

    /// Deleted test files, fewer test functions or assertions than before, added skips.
    private func testReasons(_ diff: UnifiedDiff) -> [RiskReason] {
        var out: [RiskReason] = []
        let tests = diff.files.filter { testFiles.matches($0.path) || ($0.oldPath.map(testFiles.matches) ?? false) }
        let deleted = tests.filter { $0.change == .deleted }.map(\.path)
        if !deleted.isEmpty {
            out.append(RiskReason(rule: "tests_deleted", tier: .high, message: "deletes test files: \(quote(deleted))", files: deleted))
        }
        func tally(_ patterns: [RiskPattern]) -> (added: Int, removed: [String], files: [String]) {
            var added = 0
            var removed: [String] = []
            var files: [String] = []
            for file in tests {
                added += file.addedLines.filter { line in patterns.contains { $0.occurs(in: line.text) } }.count
                for line in file.removedLines where patterns.contains(where: { $0.occurs(in: line.text) }) {
                    removed.append("\(file.path):\(line.oldLine ?? 0)")
                    if !files.contains(file.path) { files.append(file.path) }
                }
            }
            return (added, removed, files)
        }
        let functionCount = tally(functions)
        if functionCount.removed.count > functionCount.added {
            out.append(RiskReason(rule: "tests_removed", tier: .high, message: "removes \(count(functionCount.removed.count, "test function")) and adds \(functionCount.added): \(quote(functionCount.removed))", files: functionCount.files))
        }
        let assertionCount = tally(assertions)
        if assertionCount.removed.count > assertionCount.added {
            out.append(RiskReason(rule: "assertions_removed", tier: .high, message: "removes \(count(assertionCount.removed.count, "assertion")) and adds \(assertionCount.added): \(quote(assertionCount.removed))", files: assertionCount.files))
        }
        var skipped: [String] = []
        var skippedFiles: [String] = []
        for file in tests {
            let before = file.removedLines.filter { line in skips.contains { $0.occurs(in: line.text) } }.count
            let added = file.addedLines.filter { line in skips.contains { $0.occurs(in: line.text) } }
            guard added.count > before else { continue }
            skipped += added.map { "\(file.path):\($0.newLine ?? 0)" }
            skippedFiles.append(file.path)
        }
        if !skipped.isEmpty {
            out.append(RiskReason(rule: "tests_skipped", tier: .high, message: "skips or disables tests: \(quote(skipped))", files: skippedFiles))
        }
        return out
    }

    /// Lines added to dependency manifests that were not there before (a moved line is not new).
    private func dependencyReasons(_ diff: UnifiedDiff) -> [RiskReason] {
        var added: [String] = []
        var files: [String] = []
        for file in diff.files where !file.isBinary && manifests.matches(file.path) {
            let removed = Set(file.removedLines.map { Self.squeezed($0.text) })
            for line in file.addedLines {
                let text = Self.squeezed(line.text)
                guard text.contains(where: { $0.isLetter || $0.isNumber }), !removed.contains(text), !Self.isComment(text) else { continue }
                added.append("\(file.path):\(line.newLine ?? 0) `\(text.prefix(80))`")
                if !files.contains(file.path) { files.append(file.path) }
            }
        }
        guard !added.isEmpty else { return [] }
        return [RiskReason(rule: "new_dependencies", tier: .high, message: "adds \(count(added.count, "line")) to dependency manifests (new dependencies): \(quote(added))", files: files)]
    }

    static func squeezed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func isComment(_ text: String) -> Bool {
        text.hasPrefix("//") || text.hasPrefix("#") || text.hasPrefix("--") || text.hasPrefix("/*") || text.hasPrefix("*")
    }

    private func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    private func quote(_ items: [String]) -> String {
        let shown = items.prefix(Self.maxQuoted).joined(separator: ", ")
        return items.count > Self.maxQuoted ? "\(shown) and \(items.count - Self.maxQuoted) more" : shown
    }
}
