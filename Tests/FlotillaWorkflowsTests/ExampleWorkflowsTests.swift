import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

/// The shipped examples (examples/workflows) parse, name scripts that exist, and take the paths
/// their comments promise, driven through the planner with the results the example agents'
/// scripts print. (The end-to-end test runs the OpenCTO one with real agents.)
@Suite("Example workflows")
struct ExampleWorkflowsTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/workflows")

    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" && $0.lastPathComponent != "flotilla.yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    // What the example agents print as their last line (agents/*.sh), as the agent reports it:
    // the task result's `summary`.
    static let approved: JSONValue = ["summary": #"{"status":"approved","approved":true,"comments":2}"#]
    static let scanned: JSONValue = ["summary": #"{"status":"approved","vulnerabilities":0}"#]
    static let passed: JSONValue = ["summary": #"{"status":"passed","suite":"all","passed":128,"failed":0,"coverage":85}"#]
    static let live: JSONValue = ["summary": #"{"status":"live","version":"9f2c1ab","url":"https://opencto.example/9f2c1ab"}"#]
    static let push: JSONValue = [
        "kind": "webhook", "source": "github", "event": "push", "delivery": "d-1",
        "payload": ["ref": "refs/heads/main", "after": "9f2c1ab77", "head_commit": ["message": "Add login"]],
    ]

    @Test("every example file parses, is named after its file and runs scripts that exist")
    func everyExampleParses() throws {
        let files = try Self.files()
        #expect(files.map(\.lastPathComponent) == ["nightly-test-and-triage.yaml", "opencto-deploy.yaml", "pr-review.yaml"])
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let definition = try parse(text, file: file.lastPathComponent)
            #expect(definition.name == file.deletingPathExtension().lastPathComponent)
            // Each step is a shell task whose command is one of agents/*.sh.
            for line in text.split(separator: "\n") where line.contains("command:") {
                let script = line.split(separator: " ").last.map(String.init) ?? ""
                #expect(line.contains("command: sh agents/"), "\(file.lastPathComponent): \(line)")
                #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent(script).path), "\(file.lastPathComponent): no \(script)")
            }
        }
    }

    @Test("the examples' triggers: a GitHub push, a nightly schedule in Berlin, pull requests opened or updated")
    func triggers() throws {
        let deploy = try parse(Self.text("opencto-deploy.yaml"))
        #expect(deploy.triggers.webhook?.kind == .github(events: ["push"]))
        let nightly = try parse(Self.text("nightly-test-and-triage.yaml"))
        #expect(nightly.triggers.schedules.map(\.timeZone) == ["Europe/Berlin"])
        let review = try parse(Self.text("pr-review.yaml"))
        #expect(review.triggers.webhook?.kind == .github(events: ["pull_request"]))
        let condition = try #require(review.triggers.webhook?.condition)
        for (action, fires) in [("opened", true), ("synchronize", true), ("reopened", true), ("closed", false), ("labeled", false)] {
            let trigger: JSONValue = ["kind": "webhook", "payload": ["action": .string(action)]]
            #expect(try condition.evaluate(in: ExpressionContext(["trigger": trigger])).isTruthy == fires, "\(action)")
        }
    }

    @Test("OpenCTO: review, test and security start together; deploy after all three approve; then monitor; no rollback")
    func openCTOSucceeds() throws {
        var run = try RunDriver(Self.text("opencto-deploy.yaml"), trigger: Self.push)
        let first = run.step()
        #expect(first.starts.map(\.instance.step) == ["review", "test", "security"])
        #expect(first.starts.map(\.spec.role) == ["review", "testing", "security"])
        let test = try #require(first.starts.first { $0.instance.step == "test" })
        #expect(test.spec.payload["command"] == "sh agents/test.sh")
        #expect(test.spec.payload["env"]?["SHA"] == "9f2c1ab77")
        #expect(test.spec.payload["env"]?["REF"] == "refs/heads/main")
        run.finish("review", .succeeded, result: Self.approved)
        run.finish("test", .succeeded, result: Self.passed)
        #expect(run.step().starts.isEmpty, "deploy waits for security")
        run.finish("security", .succeeded, result: Self.scanned)
        let deploy = run.step()
        #expect(deploy.starts.map(\.instance.step) == ["deploy"])
        #expect(deploy.starts.first?.spec.priority == .high)
        run.finish("deploy", .succeeded, result: Self.live)
        let monitor = run.step()
        #expect(monitor.starts.map(\.instance.step) == ["monitor"])
        #expect(monitor.starts.first?.spec.payload["env"]?["URL"] == "https://opencto.example/9f2c1ab")
        run.finish("monitor", .succeeded, result: ["summary": #"{"status":"healthy"}"#])
        let end = run.step()
        #expect(run.skipReason("rollback") == .nothingFailed)
        #expect(end.outcome == .succeeded)
    }

    @Test("OpenCTO: a failing test skips deploy, monitor and rollback, and fails the run")
    func openCTOTestFails() throws {
        var run = try RunDriver(Self.text("opencto-deploy.yaml"), trigger: Self.push)
        run.step()
        run.finish("review", .succeeded, result: Self.approved)
        run.finish("test", .failed)
        run.finish("security", .succeeded, result: Self.scanned)
        let outcome = run.runToEnd()
        #expect(run.skipReason("deploy") == .needNotSucceeded(step: "test", outcome: .failure))
        #expect(run.status("monitor") == "skipped")
        #expect(run.skipReason("rollback") == .nothingFailed)
        #expect(outcome == .failed)
        #expect(!run.started.contains { $0.step == "deploy" })
    }

    @Test("OpenCTO: a failing deploy runs the rollback with the deploy's error")
    func openCTODeployFails() throws {
        var run = try RunDriver(Self.text("opencto-deploy.yaml"), trigger: Self.push)
        run.step()
        run.finish("review", .succeeded, result: Self.approved)
        run.finish("test", .succeeded, result: Self.passed)
        run.finish("security", .succeeded, result: Self.scanned)
        run.step()
        run.state.steps["deploy"] = .started([InstanceState(.failed, error: ["code": "task_failed", "message": "health check returned 502"])])
        let rollback = run.step()
        #expect(rollback.starts.map(\.instance.step) == ["rollback"])
        #expect(rollback.starts.first?.spec.payload["env"]?["REASON"] == "health check returned 502")
        #expect(rollback.starts.first?.spec.priority == .critical)
        #expect(run.status("monitor") == "skipped")
        run.finish("rollback", .succeeded, result: ["summary": #"{"status":"rolled_back"}"#])
        #expect(run.step().outcome == .failed)
    }

    @Test("OpenCTO: a push to another branch, or a review that does not approve, deploys nothing")
    func openCTOConditions() throws {
        let branch: JSONValue = ["kind": "webhook", "event": "push", "payload": ["ref": "refs/heads/feature", "after": "9f2c1ab77"]]
        var run = try RunDriver(Self.text("opencto-deploy.yaml"), trigger: branch)
        run.step()
        run.finish("review", .succeeded, result: Self.approved)
        run.finish("test", .succeeded, result: Self.passed)
        run.finish("security", .succeeded, result: Self.scanned)
        #expect(run.runToEnd() == .succeeded)
        guard case .conditionFalse(let text) = run.skipReason("deploy") else {
            Issue.record("deploy not skipped by its condition: \(run.status("deploy"))")
            return
        }
        #expect(text.contains("refs/heads/main"))

        var unapproved = try RunDriver(Self.text("opencto-deploy.yaml"), trigger: Self.push)
        unapproved.step()
        unapproved.finish("review", .succeeded, result: ["summary": #"{"status":"changes_requested","approved":false}"#])
        unapproved.finish("test", .succeeded, result: Self.passed)
        unapproved.finish("security", .succeeded, result: Self.scanned)
        _ = unapproved.runToEnd()
        #expect(unapproved.status("deploy") == "skipped")
        #expect(!unapproved.started.contains { $0.step == "deploy" })
    }

    @Test("OpenCTO by hand: the inputs stand in for the push")
    func openCTOManual() throws {
        var run = try RunDriver(Self.text("opencto-deploy.yaml"), inputs: ["sha": "abc1234", "fail": "fail:deploy"], trigger: ["kind": "manual"])
        let first = run.step()
        let test = try #require(first.starts.first { $0.instance.step == "test" })
        #expect(test.spec.payload["env"]?["SHA"] == "abc1234")
        #expect(test.spec.payload["env"]?["REF"] == "refs/heads/main")
        #expect(test.spec.payload["env"]?["FAIL"]?.stringValue?.contains("fail:deploy") == true)
    }

    @Test("nightly: one task per suite; triage only when a suite failed; a report either way")
    func nightly() throws {
        var green = try RunDriver(Self.text("nightly-test-and-triage.yaml"), trigger: ["kind": "schedule"])
        let first = green.step()
        #expect(first.starts.compactMap { $0.spec.payload["env"]?["SUITE"]?.stringValue } == ["unit", "integration", "ui"])
        #expect(first.starts.map(\.idempotencyKey) == ["wf:r1:tests:0", "wf:r1:tests:1", "wf:r1:tests:2"])
        #expect(green.runToEnd() == .succeeded)
        #expect(green.status("triage") == "skipped")
        #expect(green.status("report") == "succeeded")

        var red = try RunDriver(Self.text("nightly-test-and-triage.yaml"), trigger: ["kind": "schedule"])
        let outcome = red.runToEnd { $0.matrixIndex == 1 ? .failed : .succeeded }
        #expect(red.status("triage") == "succeeded")
        #expect(red.status("report") == "succeeded")
        #expect(outcome == .failed)
    }

    @Test("PR review: review and scan the head together, then a summary even when one failed")
    func prReview() throws {
        let trigger: JSONValue = [
            "kind": "webhook", "event": "pull_request",
            "payload": ["action": "opened", "number": 42, "pull_request": ["title": "Add login", "head": ["sha": "c0ffee1", "ref": "login"]]],
        ]
        var run = try RunDriver(Self.text("pr-review.yaml"), trigger: trigger)
        let first = run.step()
        #expect(first.starts.map(\.instance.step) == ["review", "security"])
        #expect(first.starts.first?.spec.prompt == "Review PR #42 at c0ffee1")
        let outcome = run.runToEnd { $0.step == "security" ? .failed : .succeeded }
        let summary = try #require(run.plans.flatMap(\.starts).first { $0.instance.step == "summary" })
        #expect(summary.spec.payload["env"]?["MESSAGE"] == "PR #42 (login): review success, security failure")
        #expect(outcome == .failed)
    }
}
