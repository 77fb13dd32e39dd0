import FlotillaCore
import FlotillaEngine
import Logging
import Foundation

extension GoalPublisher {
    /// The goal in `review`: its final diff reviewed (a secret fails the goal, nothing pushed),
    /// then the goal branch pushed to the goal's repository, the pull request opened with `gh`,
    /// auto-merge asked for the low tier when enabled, and the goal `done` with its `pr_url`.
    func publish(_ goal: GoalRecord) async throws {
        let info = try await workspaces.prepare(goal)
        let review = try await reviewDiff(goal, info)
        let unpublished = review.json(prURL: nil, autoMerge: false)
        if review.blocked {
            await fail(goal.id, because: review.blockReason, events: [WorkflowEvent(.goalReviewed, data: review.event(goalID: goal.id, prURL: nil))]) {
                $0.details["review"] = unpublished
            }
            return
        }

        var url = goal.details["review"]?["pr_url"]?.stringValue
        if url == nil {
            guard let gh = Self.executable(configuration.gh, path: environment["PATH"] ?? Self.variable("PATH")) else {
                await failUnpublished(goal, review, because: "the GitHub CLI '\(configuration.gh)' is not on the hub's PATH (install gh and run `gh auth login`); the goal branch was not pushed")
                return
            }
            let auth = await run(gh, ["auth", "status"], in: info.clone)
            guard auth.succeeded else {
                await failUnpublished(goal, review, because: "gh cannot open the pull request on the hub's machine (install the GitHub CLI and run `gh auth login`): \(auth.text.prefix(400)); the goal branch was not pushed")
                return
            }
            _ = try await workspaces.git(goal, ["push", "origin", "refs/heads/\(info.branch):refs/heads/\(info.branch)"])
            let body = try await pullRequestBody(goal, review)
            let created = await run(gh, ["pr", "create", "--head", info.branch, "--base", info.baseBranch, "--title", goal.title, "--body-file", "-"], in: info.clone, stdin: body)
            guard let opened = Self.pullRequestURL(created) else {
                await failUnpublished(goal, review, because: "gh pr create failed (exit \(created.exitCode.map(String.init) ?? "none")): \(created.text.prefix(600)); the goal branch \(info.branch) was pushed")
                return
            }
            url = opened
            // Kept at once: a crash from here on must not open a second pull request.
            let recorded = review.json(prURL: opened, autoMerge: false)
            _ = try await engine.updateGoal(id: goal.id) { $0.prURL = opened; $0.details["review"] = recorded }
        }
        guard let url else { return }

        var autoMerged = false
        if review.autoMerges(enabled: configuration.autoMerge) {
            let gh = Self.executable(configuration.gh, path: environment["PATH"] ?? Self.variable("PATH")) ?? configuration.gh
            let merge = await run(gh, ["pr", "merge", url, "--auto", "--squash"], in: info.clone)
            autoMerged = merge.succeeded
            if !merge.succeeded { logger.warning("gh pr merge --auto failed", metadata: ["goal": "\(goal.id)", "output": "\(merge.text.prefix(400))"]) }
        }
        let final = review.json(prURL: url, autoMerge: autoMerged)
        logger.info("goal published", metadata: ["goal": "\(goal.id)", "pr": "\(url)", "tier": "\(review.tier.rawValue)", "auto_merge": "\(autoMerged)"])
        _ = try await engine.moveGoal(id: goal.id, to: .done, events: [WorkflowEvent(.goalReviewed, data: review.event(goalID: goal.id, prURL: url))]) {
            $0.prURL = url
            $0.details["review"] = final
        }
    }

    private func failUnpublished(_ goal: GoalRecord, _ review: GoalReview, because reason: String) async {
        let recorded = review.json(prURL: nil, autoMerge: false)
        await fail(goal.id, because: reason, events: [WorkflowEvent(.goalReviewed, data: review.event(goalID: goal.id, prURL: nil))]) {
            $0.details["review"] = recorded
        }
    }

    /// `git diff base_commit..branch` (written to a file: the whole diff is scanned, however
    /// long) → ``UnifiedDiff`` → risk tier and secret scan with the hub's ``GoalRules``.
    func reviewDiff(_ goal: GoalRecord, _ info: GoalBranchInfo) async throws -> GoalReview {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flotilla-review-\(goal.id)-\(UInt32.random(in: .min ... .max)).diff").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try await workspaces.git(goal, [
            "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/",
            "--output=\(file)", "\(info.baseCommit)..refs/heads/\(info.branch)",
        ])
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let diff = try UnifiedDiff(parsing: text)
        return GoalReview(diff: diff, classifier: try RiskClassifier(rules: configuration.rules.risk), scanner: try SecretScanner(allowlist: configuration.rules.secrets))
    }

    /// `gh` (its path) in `directory` with the hub's GitHub variables, bounded like every goal command.
    func run(_ gh: String, _ arguments: [String], in directory: String, stdin: String = "") async -> GoalCommand.Outcome {
        await GoalCommand([gh] + arguments, in: directory, environment: environment, timeout: 120, stdin: Array(stdin.utf8)).run()
    }

    /// The program's path: itself when it names a path, else the first executable of that name
    /// in `path`'s folders (nil: not installed, a clear reason instead of a failed start).
    /// A variable of the hub's environment, read with getenv into a string of its own.
    static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func executable(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for folder in (path ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The pull request's URL: `gh pr create` prints it on stdout; when one is open for the
    /// branch already, gh refuses and names it on stderr (a retried publication reuses it).
    static func pullRequestURL(_ outcome: GoalCommand.Outcome) -> String? {
        let text = outcome.succeeded ? outcome.stdout : (outcome.stderr.contains("already exists") ? outcome.stderr : "")
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .last { $0.hasPrefix("https://") || $0.hasPrefix("http://") }
    }
}
