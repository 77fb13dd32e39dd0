import FuzzSupport
import Testing
@testable import FlotillaCore

/// Mutated diffs and plans: every input is either read or refused with an error, never a trap,
/// and what is read keeps its invariants.
@Suite("Goals fuzz")
struct GoalsFuzzTests {
    static let diffText = """
    diff --git a/src/app.py b/src/app.py
    index 1111111..2222222 100644
    --- a/src/app.py
    +++ b/src/app.py
    @@ -1,4 +1,5 @@ def main():
     import os
    -API = "x"
    +API_TOKEN = "q8Xz3LmP0vR7tY2wK9bN4cJ6"
    +aws_access_key_id = "AKIAQ3EGRT7ZB5XM2N4P"
     def main():
         pass
    diff --git "a/docs/a\\tb.md" "b/docs/a\\tb.md"
    new file mode 100644
    --- /dev/null
    +++ "b/docs/a\\tb.md"
    @@ -0,0 +1 @@
    +-----BEGIN RSA PRIVATE KEY-----
    diff --git a/old.txt b/new.txt
    similarity index 90%
    rename from old.txt
    rename to new.txt
    Binary files a/x.png and b/x.png differ

    """

    @Test("mutated diffs are parsed or refused; parsed lines sit inside their hunks; scanning and classifying never trap")
    func diffs() throws {
        var random = FuzzRandom(fallback: 0x60A1_D1FF)
        let base = Array(Self.diffText.utf8)
        let scanner = try SecretScanner()
        let classifier = try RiskClassifier()
        #expect(try UnifiedDiff(parsing: Self.diffText).files.count == 3)
        for _ in 0..<600 {
            let input = ByteMutation.apply(to: base, count: random.int(1...6), using: &random)
            let text = String(decoding: input, as: UTF8.self)
            guard let diff = try? UnifiedDiff(parsing: text) else { continue }
            for file in diff.files {
                for hunk in file.hunks {
                    for line in hunk.lines {
                        if let new = line.newLine {
                            #expect(new >= hunk.newStart && new < hunk.newStart + max(hunk.newCount, 1), "\(random.replay(input))")
                        }
                    }
                }
            }
            _ = scanner.scan(diff)
            _ = classifier.classify(diff)
        }
    }

    @Test("mutated plans give issues or a plan whose JSON validates back to it")
    func plans() {
        var random = FuzzRandom(fallback: 0x60A1_71A2)
        let base: JSONValue = ["steps": [
            ["id": "a", "title": "A", "prompt": "p", "success_criteria": ["c"], "needs": ["b"], "files": ["src/**"]],
            ["id": "b", "title": "B", "prompt": "p", "success_criteria": ["c"], "verify": ["make"], "role": "coder"],
        ]]
        let validator = GoalPlanValidator(roles: ["coder"])
        for _ in 0..<600 {
            let mutated = JSONMutation.apply(to: base, using: &random)
            do {
                let plan = try validator.validate(mutated)
                #expect(try validator.validate(plan.json) == plan)
            } catch {
                #expect(!error.issues.isEmpty)
            }
            _ = FileSets.overlap(["src/**", "a/{b,c}/*.md", "[x"], mutated["steps"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        }
    }
}
