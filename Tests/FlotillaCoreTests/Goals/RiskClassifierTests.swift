import Testing
@testable import FlotillaCore

@Suite("Risk classification")
struct RiskClassifierTests {
    let classifier = try! RiskClassifier()

    func rules(_ assessment: RiskAssessment) -> [String] { assessment.reasons.map(\.rule) }

    @Test("docs and tests only → low, with the reason")
    func docsOnly() {
        let result = classifier.classify(diff(
            changed("docs/guide.md", added: ["More words."]),
            changed("README.md", added: ["x"]),
            changed("Tests/CoreTests/ParserTests.swift", added: ["@Test func more() { #expect(1 == 1) }"])
        ))
        #expect(result.tier == .low)
        #expect(rules(result) == ["docs_tests_only"])
        #expect(result.reasons[0].message == "only documentation and tests change (3 files)")
    }

    @Test("source code → medium")
    func source() {
        let result = classifier.classify(diff(changed("Sources/App/View.swift", added: ["let x = 1"]), changed("docs/a.md", added: ["y"])))
        #expect(result.tier == .medium)
        #expect(rules(result) == ["source_change"])
        #expect(result.reasons[0].files == ["Sources/App/View.swift"])
    }

    @Test("a migration path → high with its reason, and each high area by its own rule")
    func highPaths() {
        let migration = classifier.classify(diff(changed("db/migrations/0042_add_users.sql", .added, added: ["CREATE TABLE users (id int);"])))
        #expect(migration.tier == .high)
        #expect(migration.reasons.first == RiskReason(rule: "path:migrations", tier: .high, message: "touches migrations: db/migrations/0042_add_users.sql", files: ["db/migrations/0042_add_users.sql"]))
        let cases: [(String, String)] = [
            ("Sources/Server/Auth/TokenCheck.swift", "path:auth"),
            ("app/oauth.py", "path:auth"),
            (".github/workflows/ci.yml", "path:ci"),
            (".ci/build.sh", "path:ci"),
            ("Package.resolved", "path:dependencies"),
            ("web/yarn.lock", "path:dependencies"),
            ("deploy/Dockerfile", "path:infrastructure"),
            ("infra/main.tf", "path:infrastructure"),
            ("k8s/service.yaml", "path:infrastructure"),
        ]
        for (path, rule) in cases {
            let result = classifier.classify(diff(changed(path, added: [])))
            #expect(result.tier == .high, "\(path)")
            #expect(rules(result).contains(rule), "\(path): \(rules(result))")
        }
        // Near misses stay out of the high areas.
        for path in ["AUTHORS.md", "docs/migration-guide.md", "Sources/Author.swift"] {
            #expect(classifier.classify(diff(changed(path, added: ["x"]))).tier != .high, "\(path)")
        }
    }

    @Test("a rename out of a high area counts the old path too")
    func renameOut() {
        let result = classifier.classify(diff(changed("Sources/Moved.swift", .renamed, oldPath: "Sources/auth/Session.swift")))
        #expect(rules(result).contains("path:auth"))
    }

    @Test("diff size: medium from 300 changed lines, high from 1000 lines or 40 files")
    func size() {
        let lines = (0..<300).map { "line \($0)" }
        #expect(classifier.classify(diff(changed("docs/big.md", added: lines))).tier == .medium)
        #expect(classifier.classify(diff(changed("docs/small.md", added: Array(lines.prefix(299))))).tier == .low)
        let huge = classifier.classify(diff(changed("src/a.c", added: lines + lines + lines, removed: Array(lines.prefix(100)))))
        #expect(huge.tier == .high)
        #expect(huge.reasons.first?.rule == "size_lines")
        let files = UnifiedDiff(files: (0..<40).map { changed("docs/p\($0).md", added: ["x"]) })
        #expect(classifier.classify(files).reasons.first?.rule == "size_files")
    }

    @Test("deleted test files, removed test functions, removed assertions and added skips → high")
    func weakenedTests() {
        let deleted = classifier.classify(diff(changed("Tests/AppTests/LoginTests.swift", .deleted, removed: ["func testLogin() {}"])))
        #expect(deleted.tier == .high)
        #expect(rules(deleted).contains("tests_deleted"))

        let removedFunction = classifier.classify(diff(changed("tests/test_api.py", removed: ["def test_rate_limit():", "    assert limited()"])))
        #expect(rules(removedFunction).contains("tests_removed"))
        #expect(rules(removedFunction).contains("assertions_removed"))
        #expect(removedFunction.reasons.first { $0.rule == "tests_removed" }?.message == "removes 1 test function and adds 0: tests/test_api.py:1")

        let weakened = classifier.classify(diff(changed("Tests/CoreTests/MathTests.swift", added: ["    // checked elsewhere"], removed: ["    #expect(add(1, 2) == 3)"])))
        #expect(rules(weakened) == ["assertions_removed", "docs_tests_only"])
        #expect(weakened.tier == .high)

        // An assertion changed (one out, one in) does not weaken anything.
        let edited = classifier.classify(diff(changed("Tests/CoreTests/MathTests.swift", added: ["    #expect(add(1, 2) == 4)"], removed: ["    #expect(add(1, 2) == 3)"])))
        #expect(edited.tier == .low)

        let skipped = classifier.classify(diff(changed("web/src/cart.test.ts", added: ["it.skip('totals', () => {"], removed: ["it('totals', () => {"])))
        #expect(rules(skipped).contains("tests_skipped"))
        #expect(skipped.reasons.first { $0.rule == "tests_skipped" }?.message == "skips or disables tests: web/src/cart.test.ts:1")
        let disabled = classifier.classify(diff(changed("Tests/X/YTests.swift", added: [#"@Test(.disabled("flaky")) func y() {}"#], removed: ["@Test func y() {}"])))
        #expect(rules(disabled).contains("tests_skipped"))
    }

    @Test("added lines in a dependency manifest are new dependencies; a moved line is not")
    func newDependencies() {
        let added = classifier.classify(diff(changed("package.json", added: [#"    "left-pad": "^1.3.0","#], removed: [], firstNewLine: 12)))
        let reason = added.reasons.first { $0.rule == "new_dependencies" }
        #expect(reason?.message == #"adds 1 line to dependency manifests (new dependencies): package.json:12 `"left-pad": "^1.3.0",`"#)
        #expect(reason?.tier == .high)
        let moved = classifier.classify(diff(changed("requirements-dev.txt", added: ["requests==2.31.0", "# a comment"], removed: ["requests==2.31.0"])))
        #expect(!rules(moved).contains("new_dependencies"))
        #expect(rules(moved).contains("path:dependencies"), "the manifest is still a high path")
    }

    @Test("binary files are medium; an empty diff is low")
    func binaryAndEmpty() {
        var image = changed("docs/logo.png", .added)
        image.isBinary = true
        let result = classifier.classify(diff(image))
        #expect(result.tier == .medium)
        #expect(rules(result) == ["binary", "docs_tests_only"])
        #expect(classifier.classify(UnifiedDiff(files: [])).reasons.map(\.rule) == ["no_changes"])
    }

    @Test("rules from JSON replace the parts they name; bad ones are refused at their place")
    func configured() throws {
        let custom = try RiskRules(json: [
            "paths": [["name": "payments", "globs": ["src/billing"]], ["name": "styles", "tier": "medium", "globs": ["**/*.css"]]],
            "size": ["medium_lines": 5],
        ])
        #expect(custom.lowRisk == RiskRules.standard.lowRisk)
        #expect(custom.mediumLines == 5)
        #expect(custom.highLines == RiskRules.standard.highLines)
        let classifier = try RiskClassifier(rules: custom)
        #expect(classifier.classify(diff(changed("src/billing/charge.go", added: ["x"]))).reasons.first?.rule == "path:payments")
        #expect(classifier.classify(diff(changed("web/a.css", added: ["x"]))).tier == .medium)
        #expect(classifier.classify(diff(changed("infra/main.tf", added: ["x"]))).tier == .medium, "the default paths were replaced")
        #expect(classifier.classify(diff(changed("docs/a.md", added: ["1", "2", "3", "4", "5"]))).tier == .medium)
        #expect(try RiskRules(json: RiskRules.standard.json) == RiskRules.standard)

        #expect(caught { try RiskRules(json: ["paths": [["name": "x", "globs": ["src/[a"]]]]) }?.field == "paths[0].globs[0]")
        #expect(caught { try RiskRules(json: ["paths": [["name": "x", "tier": "severe", "globs": []]]]) }?.field == "paths[0].tier")
        #expect(caught { try RiskRules(json: ["tests": ["skips": ["(unclosed"]]]) }?.field == "tests.skips[0]")
        #expect(caught { try RiskRules(json: ["size": ["high_lines": 0]]) }?.field == "size.high_lines")
        #expect(caught { try RiskRules(json: ["size": ["medium_lines": 50, "high_lines": 10]]) }?.field == "size.medium_lines")
        #expect(caught { try RiskRules(json: ["lowrisk": []]) }?.code == .unknownField)
    }

    @Test("the assessment's JSON lists the tier and every reason, highest first")
    func json() {
        let result = classifier.classify(diff(changed("Sources/a.swift", added: ["x"]), changed(".github/workflows/ci.yml", added: ["y"])))
        #expect(result.json["tier"] == "high")
        #expect(result.json["reasons"]?.arrayValue?.map { $0["rule"]?.stringValue } == ["path:ci", "source_change"])
    }
}
