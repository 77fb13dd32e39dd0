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
        guard let again = try? await screen.capture(target.pane),
              classifier.classify(again).state == .waitingInput,
              classifier.promptRegion(again) == prompt
        else {
            emitApproval(target, approved: false, prompt: prompt, reason: "the prompt changed before the keys were sent")
            return
        }
        do {
            try await screen.tmux.run(["send-keys", "-t", target.pane] + classifier.approveKeys.map(Tmux.verbatim))
            emitApproval(target, approved: true, prompt: prompt, reason: nil)
        } catch {
            emitApproval(target, approved: false, prompt: prompt, reason: "send-keys failed: \(error)")
        }
    }

    private func emitApproval(_ target: Target, approved: Bool, prompt: String?, reason: String?) {
        var payload: [String: JSONValue] = ["approved": .bool(approved), "prompt": prompt.map(JSONValue.string) ?? .null]
        if let reason { payload["reason"] = .string(reason) }
        onEvent(AgentEvent(kind: .approval, agent: target.agent, pane: target.pane, payload: .object(payload)))
    }
}
