public import FlotillaCore
import Foundation

/// Scans one repository deterministically with ``GoalCommand`` (bounded, its own process group,
/// a scrubbed environment): the configured test, lint and outdated commands, and
/// `git grep -n -E 'TODO|FIXME'`. No model is asked anything.
public struct AutonomyScanner: Sendable {
    public var timeout: Double

    public init(timeout: Double = 600) {
        self.timeout = timeout
    }

    public struct Scan: Sendable {
        /// Most important first: failing tests, lint, outdated dependencies, TODOs.
        public var findings: [AutonomyFinding] = []
        /// What could not be scanned, one line each.
        public var problems: [String] = []
    }

    public func scan(_ repo: AutonomyRepo) async -> Scan {
        var scan = Scan()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: repo.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            scan.problems.append("\(repo.path) is not a directory")
            return scan
        }
        let top = await GoalCommand(["git", "rev-parse", "--show-toplevel"], in: repo.path, timeout: timeout).run()
        guard top.succeeded else {
            scan.problems.append("\(repo.path) is not a git repository: \(AutonomyFinding.oneLine(top.text, limit: 200))")
            return scan
        }
        if let test = repo.test {
            let outcome = await GoalCommand.shell(test, in: repo.path, timeout: timeout).run()
            if outcome.timedOut {
                scan.problems.append("the test command timed out after \(Int(timeout)) s: \(test)")
            } else if !outcome.succeeded {
                scan.findings.append(FindingParsers.failingTests(output: outcome.stdout + outcome.stderr, exitCode: outcome.exitCode, command: test, repo: repo.path))
            }
        }
        if let lint = repo.lint {
            let outcome = await GoalCommand.shell(lint, in: repo.path, timeout: timeout).run()
            if outcome.exitCode == nil {
                scan.problems.append("the lint command did not finish: \(AutonomyFinding.oneLine(outcome.stderr, limit: 200))")
            } else {
                scan.findings += FindingParsers.lint(output: outcome.stdout + "\n" + outcome.stderr, exitCode: outcome.exitCode, command: lint, repo: repo.path)
            }
        }
        if let outdated = repo.outdated {
            let outcome = await GoalCommand.shell(outdated, in: repo.path, timeout: timeout).run()
            if outcome.exitCode == nil {
                scan.problems.append("the outdated command did not finish: \(AutonomyFinding.oneLine(outcome.stderr, limit: 200))")
            } else {
                scan.findings += FindingParsers.outdated(output: outcome.stdout, command: outdated, repo: repo.path)
            }
        }
        // Exit status 1 with no output is git grep's "nothing found".
        let grep = await GoalCommand(["git", "grep", "-n", "-I", "-E", "TODO|FIXME"], in: repo.path, timeout: timeout).run()
        if grep.succeeded {
            scan.findings += FindingParsers.todos(gitGrep: grep.stdout, repo: repo.path)
        } else if grep.exitCode != 1 {
            scan.problems.append("git grep failed: \(AutonomyFinding.oneLine(grep.text, limit: 200))")
        }
        return scan
    }
}
