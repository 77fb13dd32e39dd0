/// One validation of a plan's JSON: reads what it can into steps while collecting every issue
/// (a step with a bad field is still read, so later checks see its id and `needs`).
struct PlanReader {
    let validator: GoalPlanValidator
    var issues: [PlanIssue] = []
    private var limits: GoalPlanLimits { validator.limits }
    private let patterns = PlanPatterns.shared

    init(validator: GoalPlanValidator) { self.validator = validator }

    mutating func read(_ json: JSONValue) -> GoalPlan? {
        guard let object = json.objectValue else {
            issue("", "the plan must be a JSON object {\"steps\": […]}, got \(json.typeName)")
            return nil
        }
        unknownFields(object, known: GoalPlanValidator.planFields, at: "")
        var summary: String?
        if let value = object["summary"] {
            summary = text(value, at: "summary", max: limits.maxSummaryLength, multiline: true)
        }
        var verify: [String] = []
        if let value = object["verify"] {
            verify = list(value, at: "verify", min: 0, max: limits.maxVerifyCommands) { reader, item, at in reader.command(item, at: at) } ?? []
            duplicates(verify, at: "verify", what: "command")
        }
        guard let stepsValue = object["steps"] else {
            issue("", "missing required field 'steps' (a list of steps)")
            return nil
        }
        guard let items = stepsValue.arrayValue else {
            issue("steps", "must be a list of steps, got \(stepsValue.typeName)")
            return nil
        }
        if items.isEmpty { issue("steps", "is empty: a plan needs at least one step") }
        if items.count > limits.maxSteps {
            issue("steps", "has \(items.count) steps; a plan may have at most \(limits.maxSteps) (split the goal, or merge small steps)")
        }
        // Ids first: `needs` may name a step written below it.
        var firstIndex: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            if let id = item["id"]?.stringValue, firstIndex[id] == nil { firstIndex[id] = index }
        }
        var steps: [GoalPlanStep] = []
        for (index, item) in items.enumerated() {
            if let step = readStep(item, at: "steps[\(index)]", index: index, firstIndex: firstIndex) { steps.append(step) }
        }
        // Cycles over what was read, even of steps with other issues: one answer quotes all.
        let nodes = items.map { item in
            PlanGraph.Node(id: item["id"]?.stringValue ?? "", needs: item["needs"]?.arrayValue?.map { $0.stringValue ?? "" } ?? [])
        }
        for cycle in PlanGraph(nodes).cycles() {
            issue("steps[\(cycle.step)].needs[\(cycle.need)]", cycle.message)
        }
        guard steps.count == items.count else { return nil }
        return GoalPlan(summary: summary, verify: verify, steps: steps)
    }

    private mutating func readStep(_ value: JSONValue, at path: String, index: Int, firstIndex: [String: Int]) -> GoalPlanStep? {
        guard let object = value.objectValue else {
            issue(path, "a step must be an object, got \(value.typeName)")
            return nil
        }
        unknownFields(object, known: GoalPlanValidator.stepFields, at: path)
        let before = issues.count
        var id = ""
        if let raw = required(object, "id", at: path) {
            if let text = raw.stringValue {
                id = text
                if !PlanPatterns.matches(patterns.id, text) {
                    issue("\(path).id", "'\(text.prefix(80))' is not a step id: 1 to 64 letters, digits, '_' and '-', starting with a letter or '_'")
                } else if let first = firstIndex[text], first != index {
                    issue("\(path).id", "'\(text)' is already the id of steps[\(first)]: ids must be unique")
                }
            } else {
                issue("\(path).id", "must be a string, got \(raw.typeName)")
            }
        }
        let limits = self.limits
        var title: String?, prompt: String?, criteria: [String]?
        if let value = required(object, "title", at: path) {
            title = text(value, at: "\(path).title", max: limits.maxTitleLength, multiline: false)
        }
        if let value = required(object, "prompt", at: path) {
            prompt = text(value, at: "\(path).prompt", max: limits.maxPromptLength, multiline: true)
        }
        if let value = required(object, "success_criteria", at: path) {
            criteria = list(value, at: "\(path).success_criteria", min: 1, max: limits.maxCriteria) { reader, item, at in
                reader.text(item, at: at, max: limits.maxCriterionLength, multiline: true)
            }
        }
        var verify: [String] = [], needs: [String] = [], files: [String] = []
        var role: String?, complexity: Complexity?
        if let value = object["verify"] {
            verify = list(value, at: "\(path).verify", min: 0, max: limits.maxVerifyCommands) { reader, item, at in reader.command(item, at: at) } ?? []
        }
        if let value = object["role"] { role = readRole(value, at: "\(path).role") }
        if let value = object["complexity"] { complexity = readComplexity(value, at: "\(path).complexity") }
        if let value = object["needs"] {
            needs = list(value, at: "\(path).needs", min: 0, max: max(limits.maxSteps, 1)) { reader, item, at in reader.need(item, at: at, firstIndex: firstIndex) } ?? []
        }
        if let value = object["files"] {
            files = list(value, at: "\(path).files", min: 0, max: limits.maxFiles) { reader, item, at in reader.file(item, at: at) } ?? []
        }
        duplicates(needs, at: "\(path).needs", what: "step")
        duplicates(files, at: "\(path).files", what: "path")
        guard issues.count == before, let title, let prompt, let criteria else { return nil }
        return GoalPlanStep(
            id: id, title: title, prompt: prompt, successCriteria: criteria, verify: verify,
            role: role, complexity: complexity, needs: needs, files: files
        )
    }

    // MARK: Fields

    private mutating func required(_ object: [String: JSONValue], _ field: String, at path: String) -> JSONValue? {
        guard let value = object[field] else {
            issue(path, "missing required field '\(field)'")
            return nil
        }
        return value
    }

    private mutating func unknownFields(_ object: [String: JSONValue], known: [String], at path: String) {
        for key in object.keys.sorted() where !known.contains(key) {
            issue(path.isEmpty ? key : "\(path).\(key)", "unknown field '\(key.prefix(80))'; the fields are \(known.joined(separator: ", "))")
        }
    }

    private mutating func text(_ value: JSONValue, at path: String, max: Int, multiline: Bool) -> String? {
        guard let text = value.stringValue else {
            issue(path, "must be a string, got \(value.typeName)")
            return nil
        }
        let length = text.unicodeScalars.count
        if text.allSatisfy(\.isWhitespace) {
            issue(path, "is empty")
        } else if length > max {
            issue(path, "is \(length) characters long; at most \(max)")
        } else if !multiline, !PlanPatterns.matches(patterns.line, text) {
            issue(path, "must be one line")
        } else {
            return text
        }
        return nil
    }

    /// A list's items read by `item` (given this reader, so it can record issues).
    private mutating func list<T>(_ value: JSONValue, at path: String, min: Int, max: Int, _ item: (inout PlanReader, JSONValue, String) -> T?) -> [T]? {
        guard let items = value.arrayValue else {
            issue(path, "must be a list, got \(value.typeName)")
            return nil
        }
        if items.count < min { issue(path, "is empty: give at least \(min)") }
        if items.count > max { issue(path, "has \(items.count) items; at most \(max)") }
        var out: [T] = []
        for (index, element) in items.enumerated() {
            if let read = item(&self, element, "\(path)[\(index)]") { out.append(read) }
        }
        return out.count == items.count ? out : nil
    }

    private mutating func command(_ value: JSONValue, at path: String) -> String? {
        guard let text = value.stringValue else {
            issue(path, "a verify command must be a string, got \(value.typeName)")
            return nil
        }
        let length = text.unicodeScalars.count
        if length > limits.maxVerifyLength {
            issue(path, "the command is \(length) characters long; at most \(limits.maxVerifyLength)")
        } else if !PlanPatterns.matches(patterns.line, text) {
            issue(path, "a verify command must be one non-blank line (join commands with &&)")
        } else {
            return text
        }
        return nil
    }

    private mutating func readRole(_ value: JSONValue, at path: String) -> String? {
        guard let text = value.stringValue else {
            issue(path, "must be a string, got \(value.typeName)")
            return nil
        }
        guard PlanPatterns.matches(patterns.role, text) else {
            issue(path, "'\(text.prefix(80))' is not a role name: 1 to 64 letters, digits and . _ - : /")
            return nil
        }
        if let roles = validator.roles, !roles.contains(text) {
            let known = roles.isEmpty ? "the fleet has no roles: leave 'role' out" : "known roles: \(roles.sorted().joined(separator: ", "))"
            issue(path, "unknown role '\(text)'; \(known)")
            return nil
        }
        return text
    }

    private mutating func readComplexity(_ value: JSONValue, at path: String) -> Complexity? {
        let names = Complexity.allCases.map(\.rawValue)
        guard let text = value.stringValue, let complexity = Complexity(rawValue: text) else {
            issue(path, "must be one of \(names.joined(separator: ", ")), got \(value.stringValue.map { "'\($0.prefix(40))'" } ?? value.typeName)")
            return nil
        }
        return complexity
    }

    private mutating func need(_ value: JSONValue, at path: String, firstIndex: [String: Int]) -> String? {
        guard let text = value.stringValue else {
            issue(path, "must be a step id (a string), got \(value.typeName)")
            return nil
        }
        guard firstIndex[text] != nil else {
            let ids = firstIndex.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")
            issue(path, "names '\(text.prefix(80))', which is not a step; the steps are \(ids)")
            return nil
        }
        return text
    }

    private mutating func file(_ value: JSONValue, at path: String) -> String? {
        guard let text = value.stringValue else {
            issue(path, "must be a path (a string), got \(value.typeName)")
            return nil
        }
        let length = text.unicodeScalars.count
        if length > limits.maxFileLength {
            issue(path, "is \(length) characters long; at most \(limits.maxFileLength)")
        } else if !PlanPatterns.matches(patterns.file, text) {
            issue(path, "'\(text.prefix(80))' must be a path relative to the repository: no leading '/', no '..', one line")
        } else {
            return text
        }
        return nil
    }

    private mutating func duplicates(_ values: [String], at path: String, what: String) {
        var seen: Set<String> = []
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            issue("\(path)[\(index)]", "names \(what) '\(value.prefix(80))' twice")
        }
    }

    private mutating func issue(_ path: String, _ message: String) {
        issues.append(PlanIssue(path: path, message: message))
    }
}
