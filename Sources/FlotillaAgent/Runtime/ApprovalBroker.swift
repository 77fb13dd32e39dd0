public import FlotillaCore
import Synchronization

/// What a person (or the hub's rules, or its timeout policy) answered to an ``ApprovalQuestion``.
public struct ApprovalAnswer: Sendable, Hashable {
    public var allowed: Bool
    /// Why, when denied (a person's reason, the rule, "no answer in 600 s", "no hub connection").
    public var reason: String?
    /// The ``ApprovalChoice/key`` picked, when the question had choices.
    public var choice: String?
    /// The hub's id for the request (nil when it never reached the hub).
    public var approvalID: String?

    public init(allowed: Bool, reason: String? = nil, choice: String? = nil, approvalID: String? = nil) {
        self.allowed = allowed
        self.reason = reason
        self.choice = choice
        self.approvalID = approvalID
    }

    /// A denial that never reached a person.
    public static func denied(_ reason: String) -> ApprovalAnswer { ApprovalAnswer(allowed: false, reason: reason) }
}

/// How an executor asks a person (or the hub's rules) and waits. One per agent runtime.
///
/// `ask` never throws: it answers deny with a reason when there is no hub connection for 30 s
/// or the attempt is stopped.
public protocol ApprovalAsking: Sendable {
    func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer
}

/// The agent runtime's side of approvals: sends an executor's question to the hub as an
/// `approval` message and resolves the waiting ``ask`` when the `approval_decision` with that
/// message's id as `ref` arrives. Never throws: without a hub connection for
/// ``connectionGrace`` (30 s), when the attempt is stopped, or when the hub refuses the
/// question, the answer is a deny with the reason.
///
/// A hub decides the pending requests of an agent that goes offline as `cancelled`; so on
/// every new connection the questions still waiting are asked again (a fresh request).
public final class ApprovalBroker: Sendable {
    /// Sends one envelope on the current connection; false when there is none (or it failed).
    public typealias Sender = @Sendable (Envelope) async -> Bool

    private struct Waiting {
        var question: ApprovalQuestion
        var answer: OneShot<ApprovalAnswer>
        var askedAt: ContinuousClock.Instant
        var approvalID: String?
    }

    private struct State {
        /// By the id of the `approval` message last sent for it.
        var waiting: [String: Waiting] = [:]
        var connected = false
        var disconnectedAt = ContinuousClock.now
    }

    public static let connectionGrace: Duration = .seconds(30)
    let grace: Duration
    private let agentID: String
    private let role: String?
    private let ids = IDGenerator()
    private let state = Mutex(State())
    private let senderSlot = Mutex<Sender?>(nil)

    public init(agentID: String, role: String?, grace: Duration = ApprovalBroker.connectionGrace, sender: Sender? = nil) {
        self.agentID = agentID
        self.role = role
        self.grace = grace
        self.senderSlot.withLock { $0 = sender }
    }

    /// Sets how envelopes are sent (the runtime, once it exists).
    public func attach(_ sender: @escaping Sender) {
        senderSlot.withLock { $0 = sender }
    }

    private func sender(_ envelope: Envelope) async -> Bool {
        guard let send = senderSlot.withLock({ $0 }) else { return false }
        return await send(envelope)
    }

    /// What one attempt's executor asks through: the question gets the attempt's task and
    /// number, and a stopped attempt's question is denied.
    public func asking(for key: AttemptKey, stop: StopSignal) -> any ApprovalAsking {
        AttemptApprovals(broker: self, key: key, stop: stop)
    }

    /// Asks and waits for the decision (or a deny with the reason; see the type's comment).
    public func ask(_ q: ApprovalQuestion, stop: StopSignal?) async -> ApprovalAnswer {
        if let reason = stop?.reason { return .denied("the attempt was \(reason == .released ? "released" : "stopped") before asking") }
        let answer = OneShot<ApprovalAnswer>()
        let id = ids.next()
        let asked = ContinuousClock.now
        state.withLock { $0.waiting[id] = Waiting(question: q, answer: answer, askedAt: asked) }
        _ = await sender(envelope(q, id: id))
        let result = await withTaskGroup(of: ApprovalAnswer?.self) { group in
            group.addTask { await answer.wait() }
            group.addTask {
                if let stop, let reason = await stop.wait() {
                    answer.fire(.denied("the attempt was \(reason == .released ? "released" : "stopped") while waiting for approval"))
                }
                return nil
            }
            group.addTask {
                // Checked each second: a connection counts again the moment it is back.
                while !_Concurrency.Task.isCancelled {
                    try? await _Concurrency.Task.sleep(for: .seconds(1))
                    let lost = self.state.withLock { state -> Bool in
                        guard !state.connected else { return false }
                        let since = max(state.disconnectedAt, asked)
                        return ContinuousClock.now - since >= self.grace
                    }
                    if lost { answer.fire(.denied("no hub connection for \(self.grace.components.seconds) s")) }
                }
                return nil
            }
            var result: ApprovalAnswer?
            while let next = await group.next() {
                if let next { result = next; break }
            }
            group.cancelAll()
            return result
        }
        state.withLock { state in
            if let key = state.waiting.first(where: { $0.value.answer === answer })?.key { state.waiting.removeValue(forKey: key) }
        }
        return result ?? .denied("the agent stopped waiting for approval")
    }

    /// A message from the hub; true when it was about an approval (a decision, or the ack or
    /// error answering an `approval`).
    @discardableResult
    public func received(_ message: Envelope) -> Bool {
        switch message.type {
        case .approvalDecision:
            guard let ref = message.payload["ref"]?.stringValue else { return true }
            let waiting = state.withLock { $0.waiting.removeValue(forKey: ref) }
            guard let waiting else { return true }
            let payload = message.payload
            waiting.answer.fire(ApprovalAnswer(
                allowed: payload["decision"]?.stringValue == "allow",
                reason: payload["reason"]?.stringValue,
                choice: payload["choice"]?.stringValue,
                approvalID: payload["approval_id"]?.stringValue ?? waiting.approvalID
            ))
            return true
        case .ack, .error:
            guard let ref = message.payload["ref"]?.stringValue, message.payload["of"]?.stringValue == MessageType.approval.rawValue else { return false }
            if message.type == .ack {
                state.withLock { $0.waiting[ref]?.approvalID = message.payload["approval_id"]?.stringValue }
                return true
            }
            let waiting = state.withLock { $0.waiting.removeValue(forKey: ref) }
            let code = message.payload["code"]?.stringValue ?? "error"
            waiting?.answer.fire(.denied("the hub refused the question: \(code): \(message.payload["message"]?.stringValue ?? "")"))
            return true
        default:
            return false
        }
    }

    /// A connection is registered: questions still waiting are asked again on it (the hub
    /// cancelled them when the previous one went away).
    public func connected() async {
        let again = state.withLock { state -> [(String, ApprovalQuestion)] in
            state.connected = true
            var again: [(String, ApprovalQuestion)] = []
            for (old, waiting) in state.waiting {
                let id = ids.next()
                state.waiting.removeValue(forKey: old)
                var renewed = waiting
                renewed.approvalID = nil
                state.waiting[id] = renewed
                again.append((id, waiting.question))
            }
            return again
        }
        for (id, question) in again { _ = await sender(envelope(question, id: id)) }
    }

    /// The connection is gone: the grace period starts.
    public func disconnected() {
        state.withLock { state in
            guard state.connected else { return }
            state.connected = false
            state.disconnectedAt = .now
        }
    }

    /// Questions waiting for a decision now.
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// What a person reads leaves the agent with secrets redacted, like everything a task prints.
    private func envelope(_ q: ApprovalQuestion, id: String) -> Envelope {
        Envelope(id: id, type: .approval, agentID: agentID, role: role, payload: SecretRedactor.redact(q.json))
    }
}

/// One attempt's view of the broker.
struct AttemptApprovals: ApprovalAsking {
    let broker: ApprovalBroker
    let key: AttemptKey
    let stop: StopSignal

    func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer {
        var question = q
        question.taskID = question.taskID ?? key.taskID
        question.attempt = question.attempt ?? key.attempt
        return await broker.ask(question, stop: stop)
    }
}
