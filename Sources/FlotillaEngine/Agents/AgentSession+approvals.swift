public import FlotillaCore

extension AgentSession {
    /// An executor's `approval` question: recorded (and perhaps decided by a rule), acked with
    /// its `approval_id`; the decision follows as `approval_decision`. A bad question is
    /// answered with an `error` and stores nothing.
    func approval(_ envelope: Envelope) {
        reply(error: Engine.approvalsNotYet, to: envelope)
    }
}
