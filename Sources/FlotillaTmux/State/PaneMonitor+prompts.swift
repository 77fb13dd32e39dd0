import FlotillaCore
import Synchronization

/// Where a watched pane's approval prompts go for a person to answer, when its agent is not
/// auto-approved: the hub makes each an approval request (source `tmux_screen`). The last
/// resort of approvals: agents whose executor or hooks ask the hub directly never get here.
public struct PromptRequests: Sendable {
    /// A request opened for a prompt.
    public struct Opened: Sendable {
        public var id: String
        /// Set when it was decided as it was opened (by a rule): typed at once.
        public var decision: (allow: Bool, choice: String?)?

        public init(id: String, decision: (allow: Bool, choice: String?)? = nil) {
            self.id = id
            self.decision = decision
        }
    }

    /// Opens a request for `agent`'s prompt (its own lines, and the choices read from them);
    /// nil when none was opened (the agent's hooks already asked).
    public var open: @Sendable (_ agent: String, _ prompt: String, _ choices: [ApprovalChoice]) async -> Opened?
    /// The prompt went away unanswered: withdraw request `id` (decided `cancelled`).
    public var cancel: @Sendable (_ id: String) async -> Void

    public init(
        open: @escaping @Sendable (_ agent: String, _ prompt: String, _ choices: [ApprovalChoice]) async -> Opened?,
        cancel: @escaping @Sendable (_ id: String) async -> Void
    ) {
        self.open = open
        self.cancel = cancel
    }
}

extension PaneMonitor {
    /// A prompt handed to people and not answered yet.
    struct OpenPrompt: Sendable {
        var target: Target
        var prompt: String
        var choices: [ApprovalChoice]
    }

    /// The prompt a watch loop asked about (id nil: none could be opened, e.g. no choices).
    struct AskedPrompt: Sendable {
        var prompt: String
        var id: String?
    }

    /// Hands `prompt` to ``prompts`` once, when it offers choices Flotilla can type.
    func ask(_ target: Target, prompt: String) async -> AskedPrompt {
        let choices = PromptChoices.parse(prompt)
        guard let prompts, !choices.isEmpty, let opened = await prompts.open(target.agent, prompt, choices) else {
            return AskedPrompt(prompt: prompt, id: nil)
        }
        openPrompts.withLock { $0[opened.id] = OpenPrompt(target: target, prompt: prompt, choices: choices) }
        // A rule decided it as it was asked, before the prompt was held here: answered now
        // (the decision's own delivery then finds nothing left to type).
        if let decision = opened.decision { await answer(id: opened.id, allow: decision.allow, choice: decision.choice) }
        return AskedPrompt(prompt: prompt, id: opened.id)
    }

    /// The asked prompt is gone from the screen: its request is withdrawn unless it was
    /// answered already (its keys are what made it go).
    func withdraw(_ asked: inout AskedPrompt?) async {
        defer { asked = nil }
        guard let id = asked?.id, openPrompts.withLock({ $0.removeValue(forKey: id) }) != nil else { return }
        await prompts?.cancel(id)
    }

    /// Request `id` was decided: types the chosen answer's key (`choice`, else the first choice
    /// that allows, or for a deny the first that does not) into the pane, only if the same
    /// prompt still shows. Emits an `approval` event either way (`approval_id`, `choice`, and
    /// `approved`: whether an allowing answer was typed). A request the monitor no longer holds
    /// (withdrawn, or answered already) is ignored; `cancelled` only forgets it.
    public func answer(id: String, allow: Bool, choice: String?, cancelled: Bool = false) async {
        guard let open = openPrompts.withLock({ $0.removeValue(forKey: id) }), !cancelled else { return }
        var extra: [String: JSONValue] = ["approval_id": .string(id)]
        guard let picked = PromptChoices.pick(open.choices, allow: allow, choice: choice) else {
            let reason = "the prompt offers no answer that \(allow ? "allows" : "denies"); answer it in the pane"
            emitApproval(open.target, approved: false, prompt: open.prompt, reason: reason, extra: extra)
            return
        }
        extra["choice"] = .string(picked.key)
        let failure = await send(keys(for: picked, classifier: open.target.classifier), to: open.target, ifShowing: open.prompt)
        emitApproval(open.target, approved: failure == nil && picked.allows, prompt: open.prompt, reason: failure, extra: extra)
    }

    /// The keys that pick `choice`: a menu's digit alone (those menus act on it); a letter
    /// answer then Enter (line-read `[y/N]` questions), unless the kind answers yes with one
    /// letter key of its own (Codex's hotkeys).
    func keys(for choice: ApprovalChoice, classifier: ScreenClassifier) -> [String] {
        if choice.key.allSatisfy(\.isNumber) { return [choice.key] }
        let hotkeys = classifier.approveKeys.count == 1 && classifier.approveKeys[0].count == 1
        return hotkeys ? [choice.key] : [choice.key, "Enter"]
    }
}
