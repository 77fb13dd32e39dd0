/// An error of the hub and its API, with a stable machine-readable code, a message a person can
/// act on, and the field it concerns. The HTTP API renders it as
/// `{"error":{"code","message","field"}}`; the codes are documented in docs/api.md.
public typealias FlotillaError = CodedError<FlotillaErrorCode>

/// Stable codes of ``FlotillaError``. Clients match on `rawValue`; never rename one.
public enum FlotillaErrorCode: String, ErrorCode {
    case malformedJSON = "malformed_json"
    case invalidField = "invalid_field"
    case missingField = "missing_field"
    case unknownField = "unknown_field"
    case bodyTooLarge = "body_too_large"
    case unauthorized
    case forbidden
    /// A request authenticated by the dashboard's session cookie that would change something
    /// came without the session's `X-CSRF-Token`.
    case csrfFailed = "csrf_failed"
    case notFound = "not_found"
    case taskNotFound = "task_not_found"
    case agentNotFound = "agent_not_found"
    /// No workflow is registered under that name.
    case workflowNotFound = "workflow_not_found"
    /// No workflow run has that id.
    case workflowRunNotFound = "workflow_run_not_found"
    /// The workflow run has already ended (it cannot be cancelled).
    case workflowRunFinished = "workflow_run_finished"
    case staleAttempt = "stale_attempt"
    case invalidState = "invalid_state"
    case unknownDependency = "unknown_dependency"
    case dependencyCycle = "dependency_cycle"
    case duplicateID = "duplicate_id"
    case notRegistered = "not_registered"
    /// The agent id is live under another token (a takeover is refused).
    case agentInUse = "agent_in_use"
    case rateLimited = "rate_limited"
    /// A webhook delivery's signature is missing or does not match its body and the secret.
    case webhookSignatureInvalid = "webhook_signature_invalid"
    /// A webhook delivery id seen before: it started its run already.
    case webhookReplayed = "webhook_replayed"
    /// The hub has no secret for the workflow's webhook (its `secret_env` is unset).
    case webhookSecretMissing = "webhook_secret_missing"
    /// The hub does not watch tmux panes (start it with `--watch-panes`).
    case watchNotEnabled = "watch_not_enabled"
    /// The agent is not watched in a tmux pane, so the hub cannot restart it.
    case notRestartable = "not_restartable"
    case storeUnavailable = "store_unavailable"
    /// The dashboard's files are missing beside the binary (the API still works).
    case dashboardUnavailable = "dashboard_unavailable"
    /// The hub is at its total cap of open streams or sockets; retry later.
    case overloaded
    /// Never an HTTP answer: the `error_code` of a task whose attempt passed its own `budget`
    /// and was stopped by the hub (Scheduler+costs.swift).
    case budgetExceeded = "budget_exceeded"
    /// No approval request has that id.
    case approvalNotFound = "approval_not_found"
    /// The approval request was decided already (by a person, a rule or the timeout).
    case approvalDecided = "approval_decided"
    case internalError = "internal_error"
}

extension FlotillaError {
    /// The HTTP status this error maps to at the API edge.
    public var httpStatus: Int {
        switch code {
        case .malformedJSON, .invalidField, .missingField, .unknownField: 400
        case .unauthorized: 401
        case .forbidden, .csrfFailed: 403
        case .notFound, .taskNotFound, .agentNotFound, .workflowNotFound, .workflowRunNotFound, .approvalNotFound: 404
        case .staleAttempt, .invalidState, .duplicateID, .notRegistered, .watchNotEnabled, .agentInUse, .notRestartable, .workflowRunFinished, .budgetExceeded, .approvalDecided: 409
        case .bodyTooLarge: 413
        case .unknownDependency, .dependencyCycle: 422
        case .rateLimited: 429
        case .storeUnavailable, .dashboardUnavailable, .overloaded: 503
        // Webhooks (docs/api.md, "Webhooks").
        case .webhookSignatureInvalid: 401
        case .webhookReplayed: 409
        case .webhookSecretMissing: 503
        case .internalError: 500
        }
    }

    /// The error as a JSON document: `{"error":{"code","message","field"}}`.
    public var json: JSONValue {
        var body: [String: JSONValue] = ["code": .string(code.rawValue), "message": .string(message)]
        body["field"] = field.map { .string($0) } ?? .null
        return ["error": .object(body)]
    }

    public static func malformedJSON(_ reason: String) -> FlotillaError {
        FlotillaError(.malformedJSON, "The body is not valid JSON: \(reason)")
    }

    public static func taskNotFound(_ id: String) -> FlotillaError {
        FlotillaError(.taskNotFound, "No task has id '\(id)'.", field: "id")
    }
}
