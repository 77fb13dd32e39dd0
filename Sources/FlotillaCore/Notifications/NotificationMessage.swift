/// What a person reads, on a phone, about one event: a short title and one or two lines that
/// say what happened and what it waits for. The webhook and command targets also get the event
/// itself; Slack and ntfy get only this.
public struct NotificationMessage: Sendable, Hashable {
    public var title: String
    public var text: String
    /// ntfy's priority, 1 (min) to 5 (max): 4 for what waits for a person or lost work.
    public var priority: Int
    /// ntfy tags (emoji short codes shown before the title).
    public var tags: [String]

    public init(title: String, text: String, priority: Int = 3, tags: [String] = []) {
        self.title = title
        self.text = text
        self.priority = priority
        self.tags = tags
    }

    /// The message for `event`. `taskType`/`taskRole` fill in what an approval or budget
    /// event does not carry, when the hub knows them.
    public init(event: EventRecord) {
        let data = event.data
        let taskPart = Self.taskPart(id: event.taskID ?? data["task_id"]?.stringValue, data: data)
        let agent = event.agentID ?? data["agent_id"]?.stringValue ?? "?"
        switch event.type {
        case EventKind.taskFailed.rawValue:
            var text = "\(taskPart) failed: \(Self.error(data))"
            if let attempt = data["attempt"]?.intValue { text += " (attempt \(attempt); it will be retried)" }
            self.init(title: "Task failed", text: text, priority: 3, tags: ["warning"])
        case EventKind.taskDead.rawValue:
            var text = "\(taskPart) is dead: \(Self.error(data))"
            if let attempt = data["attempt"]?.intValue { text += " (after attempt \(attempt), no retry left)" }
            self.init(title: "Task dead", text: text, priority: 4, tags: ["x"])
        case EventKind.taskSucceeded.rawValue:
            self.init(title: "Task succeeded", text: "\(taskPart) succeeded.", priority: 2, tags: ["white_check_mark"])
        case EventKind.agentStuck.rawValue:
            let seconds = data["seconds_unchanged"]?.intValue.map { " for \($0) s" } ?? ""
            self.init(title: "Agent stuck", text: "Agent \(agent) seems stuck: its screen has not changed\(seconds).", priority: 4, tags: ["hourglass"])
        case EventKind.agentError.rawValue:
            let screen = data["screen"]?.stringValue.map { ": " + Self.lastLine($0) } ?? "."
            self.init(title: "Agent error", text: "Agent \(agent) shows an error\(screen)", priority: 4, tags: ["rotating_light"])
        case EventKind.agentOffline.rawValue:
            let held = data["held"]?.arrayValue?.count ?? 0
            let holding = held == 0 ? "" : " holding \(held) task\(held == 1 ? "" : "s") (they will be retried)"
            self.init(title: "Agent offline", text: "Agent \(agent) went offline\(holding).", priority: 3, tags: ["electric_plug"])
        case EventKind.budgetWarning.rawValue, EventKind.budgetExceeded.rawValue:
            let exceeded = event.type == EventKind.budgetExceeded.rawValue
            let budget = Self.budgetName(data["budget"]?.stringValue ?? "?")
            let spent = Self.dollars(data["spent"]?.doubleValue)
            let limit = Self.dollars(data["limit"]?.doubleValue)
            let percent = data["percent"]?.doubleValue.map { " (\(Self.percent($0)) %)" } ?? ""
            let text = exceeded
                ? "Budget \(budget) exceeded: \(spent) of \(limit) spent\(percent). Tasks it covers wait until it is raised or renewed."
                : "Budget \(budget) at 80 %: \(spent) of \(limit) spent\(percent)."
            self.init(title: exceeded ? "Budget exceeded" : "Budget warning", text: text, priority: exceeded ? 4 : 3, tags: ["moneybag"])
        case "approval.requested":
            let subject = data["subject"]?.stringValue ?? data["tool"]?.stringValue ?? "a tool"
            var text = "Agent \(agent) waits for approval: \(Self.capped(subject, 300))"
            if event.taskID ?? data["task_id"]?.stringValue != nil { text += "\n\(taskPart)" }
            if let id = data["id"]?.stringValue { text += "\nflotilla approvals allow \(id)  |  deny \(id) --reason …" }
            self.init(title: "Approval needed", text: text, priority: 4, tags: ["question"])
        default:
            self.init(title: event.type, text: "\(event.type)\(event.taskID.map { " (task \($0))" } ?? "")", priority: 3)
        }
    }

    /// "Task 3f2a1b9c… (testing.unit, role tester)".
    static func taskPart(id: String?, data: JSONValue) -> String {
        let shortID = id.map { $0.count > 10 ? String($0.prefix(8)) + "…" : $0 } ?? "?"
        var about: [String] = []
        if let type = data["type"]?.stringValue { about.append(type) }
        if let role = data["role"]?.stringValue { about.append("role \(role)") }
        return "Task \(shortID)" + (about.isEmpty ? "" : " (\(about.joined(separator: ", ")))")
    }

    static func error(_ data: JSONValue) -> String {
        let text = data["error"]?.stringValue ?? data["error"]?["message"]?.stringValue ?? data["reason"]?.stringValue ?? data["outcome"]?.stringValue ?? "no reason given"
        return capped(text, 300)
    }

    static func budgetName(_ budget: String) -> String {
        if budget == "day" { return "of the day" }
        if budget.hasPrefix("role:") { return "of role \(budget.dropFirst(5)) (today)" }
        if budget.hasPrefix("task:") { return "of task \(budget.dropFirst(5).prefix(8))…" }
        return budget
    }

    /// `$4.10`, `$0.1025`: cents, or four digits for an amount under $10 that is not whole
    /// cents (model calls cost fractions of a cent).
    static func dollars(_ usd: Double?) -> String {
        guard let usd, usd.isFinite else { return "$?" }
        let cents = (usd * 100).rounded()
        let digits = abs(usd) < 10 && abs(usd * 100 - cents) > 1e-6 ? 4 : 2
        return "$" + fixed(usd, digits: digits)
    }

    static func percent(_ value: Double) -> String { fixed(value, digits: 1) }

    /// `value` with `digits` decimals (no Foundation formatting in the core).
    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let whole = Int64(scaled) / Int64(scale)
        let fraction = String(Int64(scaled) % Int64(scale))
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (value < 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + padded : "")
    }

    static func lastLine(_ screen: String) -> String {
        let line = screen.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return capped(String(line), 200)
    }

    static func capped(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
