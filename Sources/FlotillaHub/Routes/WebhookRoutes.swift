import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /hooks/github/{workflow}` and `POST /hooks/generic/{workflow}`: signed deliveries that
/// start a run of a registered workflow with an `on.webhook` trigger (docs/api.md, "Webhooks").
///
/// Open routes (no token): the signature is the credential, an HMAC-SHA256 of the raw body with
/// the secret in the hub's environment variable the workflow's `secret_env` names. The order of
/// the answers is the contract's: unknown workflow or no such webhook 404, no secret 503, a
/// bad or missing signature 401 (nothing recorded), GitHub's `ping` 200, an event the trigger
/// does not take (or an `if` false) 200 not started, a delivery id seen before 409, else 202.
/// Each workflow's hook has a request rate of its own (the per-token limit, keyed
/// `webhook:<workflow>`).
struct WebhookRoutes {
    let hub: Hub
    let guards: HubGuards
    let environment: @Sendable (String) -> String?

    func add(to router: Router<HubRequestContext>) {
        let routes = self
        router.post("hooks/github/:workflow") { request, context in
            try await routes.deliver(request, context: context, source: .github)
        }
        router.post("hooks/generic/:workflow") { request, context in
            try await routes.deliver(request, context: context, source: .generic)
        }
    }

    func deliver(_ request: Request, context: HubRequestContext, source: WebhookDelivery.Source) async throws -> Response {
        let name = try context.parameters.require("workflow")
        guard let workflow = hub.engine.registeredWorkflows().first(where: { $0.name == name }),
              let webhook = workflow.triggers.webhook, TriggerMatcher.acceptsWebhooks(from: source, workflow: workflow) else {
            throw FlotillaError(.workflowNotFound, "No registered workflow '\(name.prefix(80))' takes \(source.rawValue) webhooks: apply one with `on: {webhook: …}` (flotilla workflow apply FILE).", field: "workflow")
        }
        do {
            try guards.rates.admit(.viewer(tokenID: "webhook:\(name)"))
        } catch {
            var response = JSONResponse.error(error.error)
            response.headers[.retryAfter] = String(error.retryAfterSeconds)
            return response
        }
        guard let secret = environment(webhook.secretEnv), !secret.isEmpty else {
            throw FlotillaError(.webhookSecretMissing, "The hub has no secret for \(name)'s webhook: set the environment variable \(webhook.secretEnv) where the hub runs, and restart it.")
        }
        let body = try await JSONResponse.rawBody(of: request, limit: hub.configuration.maxBodySize)
        let signatureHeader: String
        switch webhook.kind {
        case .github: signatureHeader = "X-Hub-Signature-256"
        case .generic(let header, _): signatureHeader = header
        }
        let signature = HTTPField.Name(signatureHeader).flatMap { request.headers[$0] }
        guard WebhookSignature.isValid(signature, body: body.readableBytesView, secret: secret, prefixRequired: source == .github) else {
            let what = signature == nil ? "has no \(signatureHeader) header" : "has a \(signatureHeader) that does not match its body"
            throw FlotillaError(.webhookSignatureInvalid, "The delivery \(what): sign the raw body with HMAC-SHA256 and the secret in \(webhook.secretEnv), as `sha256=<hex>`.", field: signatureHeader)
        }
        let delivery = try Self.delivery(request, body: body, source: source, webhook: webhook)
        if source == .github, delivery.event == "ping" {
            return JSONResponse.make(["pong": true])
        }
        let decision = TriggerMatcher.webhook(delivery, workflow: workflow)
        guard let trigger = decision.trigger else {
            return JSONResponse.make(["started": false, "reason": .string(decision.reason ?? "not started")])
        }
        let (run, created) = try await hub.engine.startRun(workflow: name, inputs: [:], trigger: trigger, triggerKey: delivery.key(workflow: name))
        guard created else {
            throw FlotillaError(.webhookReplayed, "Delivery '\(delivery.delivery.prefix(80))' was received before (it started run \(run.id)); a delivery starts one run.", field: "delivery")
        }
        return JSONResponse.make(["started": true, "run_id": .string(run.id)], status: .accepted)
    }

    /// The delivery's event, id and parsed payload. GitHub names the event and the delivery in
    /// headers and sends JSON, or a form whose `payload` field is the JSON; a generic delivery
    /// names its id in the workflow's `delivery_header`, else its id is the body's SHA-256 (so
    /// sending the same body again is a replay).
    static func delivery(_ request: Request, body: ByteBuffer, source: WebhookDelivery.Source, webhook: WebhookTrigger) throws -> WebhookDelivery {
        let bytes = Array(body.readableBytesView)
        switch webhook.kind {
        case .github:
            guard let event = request.headers[.gitHubEvent], !event.isEmpty else {
                throw FlotillaError(.missingField, "A GitHub delivery names its event in X-GitHub-Event.", field: "X-GitHub-Event")
            }
            guard let id = request.headers[.gitHubDelivery], !id.isEmpty, id.utf8.count <= 200 else {
                throw FlotillaError(.missingField, "A GitHub delivery names itself in X-GitHub-Delivery (1 to 200 characters).", field: "X-GitHub-Delivery")
            }
            return WebhookDelivery(source: source, event: event, delivery: id, payload: try payload(bytes, request: request))
        case .generic(_, let deliveryHeader):
            var id = WebhookSignature.bodyDigest(bytes)
            if let deliveryHeader, let name = HTTPField.Name(deliveryHeader), let given = request.headers[name], !given.isEmpty {
                guard given.utf8.count <= 200 else {
                    throw FlotillaError(.invalidField, "\(deliveryHeader) must be at most 200 characters.", field: deliveryHeader)
                }
                id = given
            }
            return WebhookDelivery(source: source, event: nil, delivery: id, payload: bytes.isEmpty ? .null : try payload(bytes, request: request))
        }
    }

    /// The body as JSON; a form (`application/x-www-form-urlencoded`, GitHub's other content
    /// type) gives its `payload` field's JSON.
    static func payload(_ bytes: [UInt8], request: Request) throws -> JSONValue {
        if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let form = String(decoding: bytes, as: UTF8.self)
            for pair in form.split(separator: "&") where pair.hasPrefix("payload=") {
                let encoded = pair.dropFirst("payload=".count).replacingOccurrences(of: "+", with: " ")
                guard let text = encoded.removingPercentEncoding else { break }
                return try JSONValue.parse(text)
            }
            throw FlotillaError(.missingField, "A form delivery carries its JSON in the 'payload' field.", field: "payload")
        }
        return try JSONValue.parse(bytes)
    }
}

extension HTTPField.Name {
    /// GitHub's delivery headers (docs.github.com, "Webhook events and payloads").
    static let gitHubEvent = HTTPField.Name("X-GitHub-Event")!
    static let gitHubDelivery = HTTPField.Name("X-GitHub-Delivery")!
}
