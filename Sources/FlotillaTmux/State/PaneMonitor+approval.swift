import FlotillaCore

extension PaneMonitor {
    /// Answers the approval prompt on `text` by the target's policy, matched against the
    /// prompt's own lines. The screen is read again right before the keys go out, and they go
    /// only when the same prompt still shows: keys meant for one prompt must never answer
    /// another that replaced it in the meantime.
    func answerPrompt(_ target: Target, screen text: String) async {
        let classifier = target.classifier
        let prompt = classifier.promptRegion(text)
        guard let prompt, target.autoApprove.approves(prompt) else {
            emitApproval(target, approved: false, prompt: prompt, reason: prompt == nil ? "no prompt lines found" : "not allowed by the policy")
            return
        }
        let failure = await send(classifier.approveKeys, to: target, ifShowing: prompt)
        emitApproval(target, approved: failure == nil, prompt: prompt, reason: failure)
    }

    /// Sends `keys` to `target`'s pane if `prompt` is still the prompt on its screen (read again
    /// now); returns why nothing was sent, nil when the keys went out.
    func send(_ keys: [String], to target: Target, ifShowing prompt: String) async -> String? {
        let classifier = target.classifier
        guard let again = try? await screen.capture(target.pane),
              classifier.classify(again).state == .waitingInput,
              classifier.promptRegion(again) == prompt
        else {
            return "the prompt changed before the keys were sent"
        }
        do {
            try await screen.tmux.run(["send-keys", "-t", target.pane] + keys.map(Tmux.verbatim))
            return nil
        } catch {
            return "send-keys failed: \(error)"
        }
    }

    func emitApproval(_ target: Target, approved: Bool, prompt: String?, reason: String?, extra: [String: JSONValue] = [:]) {
        var payload: [String: JSONValue] = ["approved": .bool(approved), "prompt": prompt.map(JSONValue.string) ?? .null]
        if let reason { payload["reason"] = .string(reason) }
        payload.merge(extra) { _, new in new }
        onEvent(AgentEvent(kind: .approval, agent: target.agent, pane: target.pane, payload: .object(payload)))
    }
}
