import Testing
@testable import FlotillaCore

/// The hub's own initiative's findings (docs/goals.md, "The hub's own initiative"): what the
/// scanners' output becomes, and a fingerprint that names the same finding across scans.
@Suite struct AutonomyFindingTests {
    @Test func aTodoKeepsItsFingerprintWhenItsLineMovesAndOnlyThen() {
        let before = FindingParsers.todos(gitGrep: "Sources/A.swift:12:    // TODO: cache the   parsed plan\nREADME.md:3:FIXME typo\n", repo: "/srv/api")
        let after = FindingParsers.todos(gitGrep: "README.md:9:FIXME typo\nSources/A.swift:40:\t// TODO: cache the parsed plan\n", repo: "/srv/api/")
        #expect(before.count == 2)
        #expect(before[0].location == "Sources/A.swift:12")
        #expect(before[0].summary == "// TODO: cache the parsed plan")
        #expect(Set(before.map(\.fingerprint)) == Set(after.map(\.fingerprint)), "a moved line (and a trailing slash on the repo) is the same finding")
        let edited = FindingParsers.todos(gitGrep: "Sources/A.swift:12:// TODO: cache the parsed plans\n", repo: "/srv/api")
        let elsewhere = FindingParsers.todos(gitGrep: "Sources/B.swift:12:// TODO: cache the parsed plan\n", repo: "/srv/api")
        let otherRepo = FindingParsers.todos(gitGrep: "Sources/A.swift:12:// TODO: cache the parsed plan\n", repo: "/srv/web")
        #expect(edited[0].fingerprint != before[0].fingerprint)
        #expect(elsewhere[0].fingerprint != before[0].fingerprint)
        #expect(otherRepo[0].fingerprint != before[0].fingerprint)
        #expect(before[0].fingerprint.hasPrefix("todo:") && before[0].fingerprint.count == "todo:".count + 24)
    }

    @Test func failingTestsAreNamedFromEachRunnersOutputAndKeyedByTheSortedNames() {
        let unittest = """
            ..F.E
            ======================================================================
            FAIL: test_add (test_math.MathTests.test_add)
            ----------------------------------------------------------------------
            ERROR: test_div (test_math.MathTests.test_div)
            FAILED (failures=1, errors=1)
            """
        #expect(FindingParsers.failingTestNames(unittest) == ["test_add (test_math.MathTests.test_add)", "test_div (test_math.MathTests.test_div)"])
        #expect(FindingParsers.failingTestNames("FAILED tests/test_a.py::test_one - assert 1 == 2\nFAILED tests/test_a.py::test_two\n") == ["tests/test_a.py::test_one", "tests/test_a.py::test_two"])
        #expect(FindingParsers.failingTestNames("Test Case 'MathTests.testAdd' failed (0.002 seconds).\nTest Suite 'All tests' failed at 2026-01-01") == ["MathTests.testAdd"])
        #expect(FindingParsers.failingTestNames("✘ Test addsNumbers() failed after 0.001 seconds with 1 issue.\n✘ Test run with 4 tests failed after 0.002 seconds with 1 issue.") == ["addsNumbers()"])
        #expect(FindingParsers.failingTestNames("--- FAIL: TestParse (0.00s)\ntest parser::tests::empty ... FAILED\n") == ["TestParse", "parser::tests::empty"])

        let first = FindingParsers.failingTests(output: "FAIL: b (x)\nFAIL: a (x)\n", exitCode: 1, command: "python3 -m unittest", repo: "/r")
        let second = FindingParsers.failingTests(output: "noise 12:00:01\nFAIL: a (x)\nFAIL: b (x)\nRan 2 tests in 0.003s\n", exitCode: 1, command: "python3 -m unittest", repo: "/r")
        #expect(first.fingerprint == second.fingerprint, "the same failing tests, in another order, with other timings")
        #expect(first.summary == "2 failing tests: a (x), b (x)")
        #expect(first.command == "python3 -m unittest")
        let third = FindingParsers.failingTests(output: "FAIL: a (x)\n", exitCode: 1, command: "python3 -m unittest", repo: "/r")
        #expect(third.fingerprint != first.fingerprint, "another set of failing tests is another finding")
        let unnamed = FindingParsers.failingTests(output: "segmentation fault", exitCode: 139, command: "make check", repo: "/r")
        #expect(unnamed.summary == "'make check' fails (exit status 139)")
        #expect(unnamed.fingerprint == FindingParsers.failingTests(output: "other noise", exitCode: 2, command: "make check", repo: "/r").fingerprint)
    }

    @Test func lintFindingsAreOnePerFileWithoutLineNumbersInTheirKey() {
        let output = "Sources/A.swift:10:5: warning: line too long\nSources/B.swift:3: error: unused import\nSources/A.swift:22:1: warning: trailing space\nsummary: 3 problems\n"
        let findings = FindingParsers.lint(output: output, exitCode: 1, command: "lint", repo: "/r")
        #expect(findings.map(\.location) == ["Sources/A.swift", "Sources/B.swift"])
        #expect(findings[0].summary == "2 findings: warning: line too long")
        let moved = FindingParsers.lint(output: "Sources/A.swift:11:5: warning: line too long\nSources/A.swift:30:2: warning: trailing space\n", exitCode: 1, command: "lint", repo: "/r")
        #expect(moved[0].fingerprint == findings[0].fingerprint)
        #expect(FindingParsers.lint(output: "all good", exitCode: 0, command: "lint", repo: "/r").isEmpty)
        #expect(FindingParsers.lint(output: "crashed", exitCode: 2, command: "lint", repo: "/r").map(\.summary) == ["'lint' fails"])
    }

    @Test func outdatedRowsAreFindingsAndHeadersAreNot() {
        let pip = "Package    Version Latest Type\n---------- ------- ------ -----\nrequests   2.31.0  2.32.3 wheel\nurllib3    1.26.0  2.2.1  wheel\n"
        let findings = FindingParsers.outdated(output: pip, command: "pip list --outdated", repo: "/r")
        #expect(findings.map(\.location) == ["requests", "urllib3"])
        #expect(findings[0].summary == "requests (requests 2.31.0 2.32.3 wheel)")
        let npm = FindingParsers.outdated(output: "Package  Current  Wanted  Latest  Location\nleft-pad   1.0.0   1.0.0   1.3.0  node_modules/left-pad\n", command: "npm outdated", repo: "/r")
        #expect(npm.map(\.location) == ["left-pad"])
    }

    @Test func aGoalTitleIsOneLineNamingTheFinding() {
        let todo = FindingParsers.todos(gitGrep: "docs/guide.md:4:TODO explain\tthe flags\n", repo: "/srv/api")[0]
        #expect(todo.goalTitle == "Resolve docs/guide.md:4: TODO explain the flags")
        #expect(todo.json == ["kind": "todo", "fingerprint": .string(todo.fingerprint), "summary": "TODO explain the flags"])
    }
}
