import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 23's proof, end to end: the shipped OpenCTO deployment flow
/// (examples/workflows/opencto-deploy.yaml) started by signed GitHub `push` deliveries to a real
/// hub process, its steps run by real `flotilla agent --executor shell` processes running the
/// example scripts.
@Suite(.serialized) struct OpenCTOWorkflowTests {
    static let agents: [(id: String, role: String)] = [
        ("reviewer", "review"), ("tester", "testing"), ("scanner", "security"), ("deployer", "deployment"), ("watcher", "monitoring"),
    ]

    /// A push delivery as GitHub sends it: the body, its signature over the raw bytes, its event
    /// and delivery id. `signature` replaces the computed one (a forged delivery).
    static func push(_ client: HubClient, secret: String, delivery: String, message: String, signature: String? = nil) async throws -> (status: Int, body: JSONValue) {
        let body = JSONValue.object([
            "ref": "refs/heads/main", "before": "1a2b3c4d", "after": .string("9f2c1ab7" + delivery.suffix(4)),
            "compare": "https://github.com/acme/app/compare/1a2b3c4d...9f2c1ab7",
            "repository": ["full_name": "acme/app"],
            "head_commit": ["id": "9f2c1ab7", "message": .string(message)],
        ]).jsonString
        let signed = try signature ?? "sha256=" + hmacSHA256Hex(body, secret: secret)
        let (status, text) = try await client.raw(.POST, "/hooks/github/opencto-deploy", body: body, headers: [
            ("Content-Type", "application/json"), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", signed),
        ])
        return (status, (try? JSONValue.parse(text)) ?? .string(text))
    }

    /// The first attempt's start and end of a task (ISO-8601 times sort as text).
    static func span(_ client: HubClient, _ id: String) async throws -> (started: String, ended: String) {
        let attempt = try await client.task(id)["attempts"]?.arrayValue?.first
        guard let started = attempt?["started_at"]?.stringValue, let ended = attempt?["ended_at"]?.stringValue else {
            throw TestFailure("task \(id) has no ended attempt: \(try await client.task(id).jsonString.prefix(1500))")
        }
        return (started, ended)
    }

    @Test func aSignedPushRunsReviewTestAndSecurityInParallelThenDeploysAndMonitors() async throws {
        let secret = UUID().uuidString
        let hub = try await HubChild.start(port: try LiveHub.freePort(), dataDirectory: Paths.temporaryDirectory("hub"), environment: ["FLOTILLA_WEBHOOK_SECRET": secret])
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token)
        let workdir = try WorkflowFleet.workdir()
        let agents = try WorkflowFleet.agents(Self.agents, workdir: workdir, hub: hub.baseURL, token: token)
        defer { agents.forEach { $0.stop() } }
        _ = try await client.applyWorkflow(source: try WorkflowFleet.example("opencto-deploy.yaml"), file: "opencto-deploy.yaml")

        // Hold the three parallel steps as they start: each writes hold/<step>.started and waits
        // for its .hold file to go. All three started while none has ended is the overlap.
        let parallel = ["review", "test", "security"]
        for step in parallel { FileManager.default.createFile(atPath: "\(workdir)/hold/\(step).hold", contents: nil) }
        let started = try await Self.push(client, secret: secret, delivery: "delivery-0001", message: "Add login")
        #expect(started.status == 202, "\(started.body)")
        #expect(started.body["started"] == true)
        let runID = try #require(started.body["run_id"]?.stringValue)

        do {
            try await eventually("review, test and security all started", within: 60) {
                parallel.allSatisfy { FileManager.default.fileExists(atPath: "\(workdir)/hold/\($0).started") }
            }
        } catch {
            throw TestFailure("\(error)\nrun: \(try await client.workflowRun(id: runID).jsonString.prefix(3000))\n--- hub:\n\(hub.log.suffix(3000))")
        }
        let held = try await client.workflowRun(id: runID)
        for step in parallel {
            #expect(held.step(step)?["status"] == "running", "\(step): \(held.step(step)?.jsonString ?? "none")")
            let task = try #require(held.taskIDs(step).first)
            #expect(try await client.state(of: task) == "running")
        }
        #expect(held.step("deploy")?["status"] == "pending")
        #expect(held.taskIDs("deploy").isEmpty)
        for step in parallel { try FileManager.default.removeItem(atPath: "\(workdir)/hold/\(step).hold") }

        let run = try await client.endedRun(runID)
        #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")
        #expect(run["trigger"]?["kind"] == "webhook")
        #expect(run["trigger"]?["event"] == "push")
        #expect(run["trigger"]?["delivery"] == "delivery-0001")
        for step in parallel + ["deploy", "monitor"] {
            #expect(run.step(step)?["status"] == "succeeded", "\(step): \(run.step(step)?.jsonString ?? "none")")
        }
        #expect(run.step("rollback")?["status"] == "skipped")
        #expect(run.step("rollback")?["skip_reason"] == "no step it handles failed")

        // The times the hub recorded agree: the three overlapped, and deploy began after all
        // three had ended; monitor read deploy's result (its URL).
        let spans = try await parallel.asyncMap { try await Self.span(client, try #require(run.taskIDs($0).first)) }
        let lastStart = try #require(spans.map(\.started).max()), firstEnd = try #require(spans.map(\.ended).min())
        #expect(lastStart < firstEnd, "\(spans)")
        let deploy = try await Self.span(client, try #require(run.taskIDs("deploy").first))
        #expect(deploy.started >= (spans.map(\.ended).max() ?? ""), "deploy \(deploy) vs \(spans)")
        let monitor = try await client.task(try #require(run.taskIDs("monitor").first))
        #expect(monitor["payload"]?["env"]?["URL"]?.stringValue?.hasPrefix("https://opencto.example/") == true, "\(monitor["payload"]?.jsonString ?? "")")

        // A replayed delivery and a forged one are refused and start nothing.
        let replay = try await Self.push(client, secret: secret, delivery: "delivery-0001", message: "Add login")
        #expect(replay.status == 409)
        #expect(replay.body["error"]?["code"] == "webhook_replayed")
        let forged = try await Self.push(client, secret: secret, delivery: "delivery-0002", message: "Add login",
                                         signature: "sha256=" + (try hmacSHA256Hex("something else", secret: secret)))
        #expect(forged.status == 401)
        #expect(forged.body["error"]?["code"] == "webhook_signature_invalid")
        let unsigned = try await Self.push(client, secret: "not the secret", delivery: "delivery-0003", message: "Add login")
        #expect(unsigned.status == 401)
        let runs = try await client.json(.GET, "/api/workflows/opencto-deploy/runs", expect: 200)["runs"]?.arrayValue ?? []
        #expect(runs.count == 1, "\(runs)")
        #expect(try await client.allTasks(["type": "deployment.deploy"]).count == 1)
    }

    @Test func aFailingTestSkipsTheDeployAndAFailingDeployRollsBack() async throws {
        let secret = UUID().uuidString
        let hub = try await HubChild.start(port: try LiveHub.freePort(), dataDirectory: Paths.temporaryDirectory("hub"), environment: ["FLOTILLA_WEBHOOK_SECRET": secret])
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token)
        let workdir = try WorkflowFleet.workdir()
        let agents = try WorkflowFleet.agents(Self.agents, workdir: workdir, hub: hub.baseURL, token: token)
        defer { agents.forEach { $0.stop() } }
        _ = try await client.applyWorkflow(source: try WorkflowFleet.example("opencto-deploy.yaml"), file: "opencto-deploy.yaml")

        // The example scripts fail a step when the pushed commit's message says [fail:<step>].
        let failingTest = try await Self.push(client, secret: secret, delivery: "delivery-0101", message: "Refactor the cart [fail:test]")
        let failingDeploy = try await Self.push(client, secret: secret, delivery: "delivery-0102", message: "Bump the runtime [fail:deploy]")
        #expect(failingTest.status == 202 && failingDeploy.status == 202, "\(failingTest) \(failingDeploy)")
        let testRunID = try #require(failingTest.body["run_id"]?.stringValue)
        let deployRunID = try #require(failingDeploy.body["run_id"]?.stringValue)

        let testRun = try await client.endedRun(testRunID)
        #expect(testRun["status"] == "failed", "\(testRun.jsonString.prefix(3000))")
        #expect(testRun.step("test")?["status"] == "failed")
        #expect(testRun.step("review")?["status"] == "succeeded")
        #expect(testRun.step("security")?["status"] == "succeeded")
        #expect(testRun.step("deploy")?["status"] == "skipped")
        #expect(testRun.step("deploy")?["skip_reason"]?.stringValue?.contains("'test'") == true, "\(testRun.step("deploy")?.jsonString ?? "")")
        #expect(testRun.taskIDs("deploy").isEmpty)
        #expect(testRun.step("monitor")?["status"] == "skipped")
        #expect(testRun.step("rollback")?["status"] == "skipped")

        let deployRun = try await client.endedRun(deployRunID)
        #expect(deployRun["status"] == "failed", "\(deployRun.jsonString.prefix(3000))")
        #expect(deployRun.step("deploy")?["status"] == "failed")
        #expect(deployRun.step("monitor")?["status"] == "skipped")
        #expect(deployRun.step("rollback")?["status"] == "succeeded", "\(deployRun.step("rollback")?.jsonString ?? "")")
        let rollback = try await client.task(try #require(deployRun.taskIDs("rollback").first))
        #expect(rollback["state"] == "succeeded")
        #expect(rollback["priority"] == "critical")
        // The rollback ran after the deploy had failed.
        let deploySpan = try await Self.span(client, try #require(deployRun.taskIDs("deploy").first))
        let rollbackSpan = try await Self.span(client, try #require(deployRun.taskIDs("rollback").first))
        #expect(rollbackSpan.started >= deploySpan.ended)

        // One deploy task in all (the failing one); none for the run whose tests failed.
        #expect(try await client.allTasks(["type": "deployment.deploy"]).count == 1)
        #expect(try await client.allTasks(["type": "deployment.rollback"]).count == 1)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
