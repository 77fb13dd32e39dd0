import AsyncHTTPClient
import FlotillaClient
import FlotillaCore
import FlotillaEngine
@testable import FlotillaHub
import Foundation
import NIOCore
import Testing

/// `POST /hooks/github/{workflow}` and `/hooks/generic/{workflow}` on a real hub: signed
/// deliveries start runs, everything else is refused in the contract's order and starts nothing.
@Suite struct WebhookTriggerTests {
    static let secrets: [String: String] = ["SHIP_SECRET": "It's a Secret to Everybody", "CI_SECRET": "ci-secret"]

    static let ship = """
    name: ship
    on:
      webhook: {github: [push, pull_request], secret_env: SHIP_SECRET, if: "trigger.event != 'pull_request' || trigger.payload.action == 'opened'"}
    steps:
      build: {type: build.run, prompt: "build ${{ trigger.payload.ref }}"}
    """

    static let ci = """
    name: ci
    on:
      webhook: {generic: {signature_header: X-CI-Signature, delivery_header: X-CI-Delivery}, secret_env: CI_SECRET}
    steps:
      build: {type: build.run}
    """

    /// A hub with `ship` and `ci` applied, its secrets injected (no process environment touched).
    func withHub(_ body: @escaping @Sendable (TestHub, HubClient) async throws -> Void) async throws {
        try await TestHub.run(configure: { $0.triggers.environment = { Self.secrets[$0] } }) { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: Self.ship, file: "ship.yaml")
            _ = try await hub.hub.engine.applyWorkflow(source: Self.ci, file: "ci.yaml")
            // No token: a webhook's credential is its signature.
            try await body(hub, HubClient(baseURL: hub.client.baseURL, token: nil))
        }
    }

    func runs(_ hub: TestHub, _ workflow: String) async throws -> [JSONValue] {
        try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: workflow)).map(\.json)
    }

    func deliver(_ client: HubClient, _ path: String, body: String, headers: [(String, String)]) async throws -> (status: Int, body: JSONValue) {
        let (status, text) = try await client.raw(.POST, path, body: body, headers: headers)
        return (status, (try? JSONValue.parse(text)) ?? .string(text))
    }

    func github(event: String, delivery: String, body: String, signature: String?) -> [(String, String)] {
        var headers = [("X-GitHub-Event", event), ("X-GitHub-Delivery", delivery)]
        if let signature { headers.append(("X-Hub-Signature-256", signature)) }
        return headers
    }

    func sign(_ body: String, _ secret: String = secrets["SHIP_SECRET"]!) -> String {
        WebhookSignature.header(body: Array(body.utf8), secret: secret)
    }

    @Test("the signature is GitHub's: HMAC-SHA256 of the body, sha256=<hex> (docs' example)")
    func gitHubExample() {
        // docs.github.com, "Validating webhook deliveries": this secret and body give this header.
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookSignature.header(body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody") == header)
        #expect(WebhookSignature.isValid(header, body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", prefixRequired: true))
        #expect(WebhookSignature.isValid(header.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", prefixRequired: true))
        #expect(!WebhookSignature.isValid(String(header.dropFirst(7)), body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", prefixRequired: true))
        #expect(WebhookSignature.isValid(String(header.dropFirst(7)), body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", prefixRequired: false))
        #expect(!WebhookSignature.isValid(header, body: Array("Hello, World?".utf8), secret: "It's a Secret to Everybody", prefixRequired: true))
        #expect(!WebhookSignature.isValid("sha256=zz", body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody", prefixRequired: true))
    }

    @Test("a signed push starts a run whose trigger carries the parsed payload")
    func signedPush() async throws {
        try await withHub { hub, client in
            let body = #"{"ref":"refs/heads/main","after":"abc123","commits":[{"id":"abc123"}]}"#
            let answer = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "d-1", body: body, signature: sign(body)))
            #expect(answer.status == 202, "\(answer.body)")
            #expect(answer.body["started"] == true)
            let id = try #require(answer.body["run_id"]?.stringValue)
            let run = try await hub.hub.engine.workflowRun(id: id).json
            #expect(run["workflow"] == "ship")
            #expect(run["trigger"]?["kind"] == "webhook" && run["trigger"]?["source"] == "github")
            #expect(run["trigger"]?["event"] == "push" && run["trigger"]?["delivery"] == "d-1")
            #expect(run["trigger"]?["payload"]?["ref"] == "refs/heads/main")
            #expect(try await runs(hub, "ship").count == 1)
        }
    }

    @Test("GitHub's form content type: the JSON is the form's payload field, signed as sent")
    func formDelivery() async throws {
        try await withHub { hub, client in
            let json = #"{"ref":"refs/heads/form","after":"f00"}"#
            let form = "payload=" + json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var request = HTTPClientRequest(url: client.baseURL + "/hooks/github/ship")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            for (name, value) in github(event: "push", delivery: "form-1", body: form, signature: sign(form)) { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: form))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let answer = try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 20)))
            #expect(response.status.code == 202, "\(answer)")
            let id = try #require(answer["run_id"]?.stringValue)
            #expect(try await hub.hub.engine.workflowRun(id: id).json["trigger"]?["payload"]?["ref"] == "refs/heads/form")
        }
    }

    @Test("a body over the limit is 413 before anything is read")
    func tooLarge() async throws {
        try await withHub { hub, client in
            let body = #"{"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let answer = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "big", body: body, signature: sign(body)))
            #expect(answer.status == 413 && answer.body["error"]?["code"] == "body_too_large", "\(answer.status)")
            #expect(try await runs(hub, "ship").isEmpty)
        }
    }

    @Test("a wrong signature, or none, is 401 and starts nothing")
    func badSignatures() async throws {
        try await withHub { hub, client in
            let body = #"{"ref":"refs/heads/main"}"#
            let wrongSecret = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "d-1", body: body, signature: sign(body, "not the secret")))
            #expect(wrongSecret.status == 401 && wrongSecret.body["error"]?["code"] == "webhook_signature_invalid", "\(wrongSecret.body)")
            let otherBody = try await deliver(client, "/hooks/github/ship", body: body + " ", headers: github(event: "push", delivery: "d-2", body: body, signature: sign(body)))
            #expect(otherBody.status == 401 && otherBody.body["error"]?["code"] == "webhook_signature_invalid")
            let unsigned = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "d-3", body: body, signature: nil))
            #expect(unsigned.status == 401 && unsigned.body["error"]?["code"] == "webhook_signature_invalid")
            #expect(unsigned.body["error"]?["field"] == "X-Hub-Signature-256")
            #expect(try await runs(hub, "ship").isEmpty)
            // Nothing was recorded: the same delivery id, signed, still starts its run.
            let signed = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "d-1", body: body, signature: sign(body)))
            #expect(signed.status == 202)
        }
    }

    @Test("a replayed delivery is 409 and there is still one run")
    func replay() async throws {
        try await withHub { hub, client in
            let body = #"{"ref":"refs/heads/main"}"#
            let headers = github(event: "push", delivery: "d-7", body: body, signature: sign(body))
            let first = try await deliver(client, "/hooks/github/ship", body: body, headers: headers)
            #expect(first.status == 202)
            let again = try await deliver(client, "/hooks/github/ship", body: body, headers: headers)
            #expect(again.status == 409 && again.body["error"]?["code"] == "webhook_replayed", "\(again.body)")
            #expect(again.body["error"]?["message"]?.stringValue?.contains(first.body["run_id"]?.stringValue ?? "?") == true)
            #expect(try await runs(hub, "ship").count == 1)
        }
    }

    @Test("ping is 200 pong; an event not listed, or an if that is false, is 200 not started")
    func pingAndIgnored() async throws {
        try await withHub { hub, client in
            let zen = #"{"zen":"Keep it logically awesome.","hook_id":1}"#
            let ping = try await deliver(client, "/hooks/github/ship", body: zen, headers: github(event: "ping", delivery: "p-1", body: zen, signature: sign(zen)))
            #expect(ping.status == 200 && ping.body == ["pong": true], "\(ping.body)")
            let issue = #"{"action":"opened"}"#
            let unlisted = try await deliver(client, "/hooks/github/ship", body: issue, headers: github(event: "issues", delivery: "i-1", body: issue, signature: sign(issue)))
            #expect(unlisted.status == 200 && unlisted.body["started"] == false, "\(unlisted.body)")
            #expect(unlisted.body["reason"]?.stringValue?.contains("issues") == true)
            let closed = #"{"action":"closed"}"#
            let falseIf = try await deliver(client, "/hooks/github/ship", body: closed, headers: github(event: "pull_request", delivery: "pr-1", body: closed, signature: sign(closed)))
            #expect(falseIf.status == 200 && falseIf.body["started"] == false, "\(falseIf.body)")
            #expect(try await runs(hub, "ship").isEmpty)
            let opened = #"{"action":"opened"}"#
            let pr = try await deliver(client, "/hooks/github/ship", body: opened, headers: github(event: "pull_request", delivery: "pr-2", body: opened, signature: sign(opened)))
            #expect(pr.status == 202)
        }
    }

    @Test("no secret in the environment is 503; an unknown workflow or one without that webhook 404")
    func secretAndWorkflow() async throws {
        try await TestHub.run(configure: { $0.triggers.environment = { _ in nil } }) { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: Self.ship, file: "ship.yaml")
            _ = try await hub.hub.engine.applyWorkflow(source: "name: plain\nsteps: {a: {type: t}}\n", file: "plain.yaml")
            let client = HubClient(baseURL: hub.client.baseURL, token: nil)
            let body = #"{"ref":"refs/heads/main"}"#
            let missing = try await deliver(client, "/hooks/github/ship", body: body, headers: github(event: "push", delivery: "d-1", body: body, signature: sign(body)))
            #expect(missing.status == 503 && missing.body["error"]?["code"] == "webhook_secret_missing", "\(missing.body)")
            #expect(missing.body["error"]?["message"]?.stringValue?.contains("SHIP_SECRET") == true)
            for path in ["/hooks/github/nope", "/hooks/github/plain", "/hooks/generic/ship"] {
                let answer = try await deliver(client, path, body: body, headers: github(event: "push", delivery: "d-1", body: body, signature: sign(body)))
                #expect(answer.status == 404 && answer.body["error"]?["code"] == "workflow_not_found", "\(path): \(answer.body)")
            }
            #expect(try await runs(hub, "ship").isEmpty)
        }
    }

    @Test("generic: its own signature header (hex, sha256= optional); its delivery header, else the body's hash, is the delivery id")
    func generic() async throws {
        try await withHub { hub, client in
            let body = #"{"pipeline":"nightly","status":"green"}"#
            let hex = String(sign(body, Self.secrets["CI_SECRET"]!).dropFirst("sha256=".count))
            let started = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-CI-Signature", hex)])
            #expect(started.status == 202, "\(started.body)")
            let id = try #require(started.body["run_id"]?.stringValue)
            let run = try await hub.hub.engine.workflowRun(id: id).json
            #expect(run["trigger"]?["source"] == "generic" && run["trigger"]?["payload"]?["pipeline"] == "nightly")
            #expect(run["trigger"]?["delivery"]?.stringValue?.count == 64)
            // The same body again is the same delivery: refused.
            let replayed = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-CI-Signature", "sha256=" + hex)])
            #expect(replayed.status == 409 && replayed.body["error"]?["code"] == "webhook_replayed", "\(replayed.body)")
            let wrong = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-CI-Signature", String(sign(body, "wrong").dropFirst(7)))])
            #expect(wrong.status == 401 && wrong.body["error"]?["code"] == "webhook_signature_invalid")
            let gitHubHeader = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-Hub-Signature-256", "sha256=" + hex)])
            #expect(gitHubHeader.status == 401)
            // With its delivery header, the header names the delivery.
            let named = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-CI-Signature", hex), ("X-CI-Delivery", "build-2")])
            #expect(named.status == 202, "\(named.body)")
            let namedAgain = try await deliver(client, "/hooks/generic/ci", body: body, headers: [("X-CI-Signature", hex), ("X-CI-Delivery", "build-2")])
            #expect(namedAgain.status == 409)
            #expect(try await runs(hub, "ci").count == 2)
        }
    }
}
