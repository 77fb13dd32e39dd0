public import FlotillaCore

extension AgentSession {
    /// An executor's `approval` question: recorded (and perhaps decided by a rule), acked with
    /// its `approval_id` once durable; the decision follows as `approval_decision` with this
    /// envelope's id as `ref`. A bad question is answered with an `error` and stores nothing.
    func approval(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let parsed = Result { () throws(FlotillaError) in try ApprovalQuestion(json: envelope.payload, prefix: "payload.") }
        guard case .success(let question) = parsed else {
            if case .failure(let error) = parsed { reply(error: error, to: envelope) }
            return
        }
        guard !envelope.id.isEmpty else {
            return reply(error: FlotillaError(.missingField, "An 'approval' needs an 'id': its decision comes back with it as 'ref'.", field: "id"), to: envelope)
        }
        let connection = self.connection
        pending.begin()
        engine.mutate({ scheduler, now in
            try scheduler.requestApproval(question, agentID: id, role: envelope.role, ref: envelope.id, connection: connection, now: now)
        }) { [pending] result in
            defer { pending.end() }
            switch result {
            case .success(let record): self.ack(envelope, approvalID: record.id)
            case .failure(let error): self.reply(error: error, to: envelope)
            }
        }
    }
}
