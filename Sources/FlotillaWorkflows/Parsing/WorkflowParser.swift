import FlotillaCore

/// Reads a workflow file into a ``WorkflowDefinition``, refusing anything wrong with a
/// ``WorkflowError`` at its file, line and column: YAML syntax, duplicate keys, unknown fields
/// (with "did you mean"), wrong types, missing fields, bad step ids, expressions that do not
/// parse, `needs`/`on_failure` naming no step, cycles, bad cron schedules, oversized matrices.
public enum WorkflowParser {
    /// Top-level keys, in the order docs/workflows.md and the JSON Schema list them.
    public static let workflowFields = ["name", "description", "inputs", "on", "steps"]
    public static let inputFields = ["description", "required", "default", "type"]
    public static let stepFields = [
        "name", "type", "role", "capabilities", "prompt", "payload", "verify", "priority", "timeout",
        "max_attempts", "repo", "complexity", "needs", "if", "on_failure", "continue_on_error", "matrix",
    ]
    /// Most steps one workflow may have.
    public static let maxSteps = 5000

    /// Parses the text of a workflow file; `file` names it in errors.
    public static func parse(yaml: String, file: String = "workflow.yaml") throws(WorkflowError) -> WorkflowDefinition {
        guard let root = try YAMLNode.compose(yaml, file: file) else {
            throw WorkflowError(.invalidYAML, "the file is empty: a workflow needs 'name' and 'steps'", at: WorkflowLocation(file: file, line: 1, column: 1))
        }
        let reader = try MappingReader(root, what: "the workflow", known: workflowFields)
        try reader.refuseUnknownKeys()
        let nameNode = try reader.required("name")
        let name = try nameNode.expectScalarText("'name' of the workflow")
        try checkWorkflowName(name, at: nameNode.location)
        let inputs = try reader.value("inputs").map { node throws(WorkflowError) in try parseInputs(node) } ?? []
        let inputNames = Set(inputs.map(\.name))
        let triggers = try reader.value("on").map { node throws(WorkflowError) in try parseTriggers(node) } ?? WorkflowTriggers()
        let steps = try parseSteps(try reader.required("steps"), inputNames: inputNames)
        let definition = WorkflowDefinition(
            name: name,
            description: try reader.string("description"),
            inputs: inputs,
            triggers: triggers,
            steps: steps,
            file: file
        )
        try StepGraph(definition).check()
        return definition
    }

    /// A workflow's name is part of URLs (`/api/workflows/{name}`, `/hooks/github/{name}`).
    static func checkWorkflowName(_ name: String, at location: WorkflowLocation) throws(WorkflowError) {
        guard isIdentifier(name, allowingDots: true) else {
            throw WorkflowError(.invalidValue, "the workflow's name '\(name.prefix(80))' must be 1 to 64 letters, digits, '_', '-' and '.', starting with a letter or '_'", at: location)
        }
    }

    /// 1 to 64 of `[A-Za-z0-9_-]` (and `.` if allowed), starting with a letter or `_`.
    static func isIdentifier(_ text: String, allowingDots: Bool = false) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64,
              ExpressionLexer.startsIdentifier(first) else { return false }
        return text.unicodeScalars.allSatisfy { ExpressionLexer.continuesIdentifier($0) || (allowingDots && $0 == ".") }
    }

    static func parseInputs(_ node: YAMLNode) throws(WorkflowError) -> [WorkflowInput] {
        guard case .mapping(let pairs) = node.kind else {
            throw WorkflowError(.wrongType, "'inputs' must be a mapping from input name to its description, got \(node.typeName)", at: node.location)
        }
        var inputs: [WorkflowInput] = []
        for (key, value) in pairs {
            let name = try key.expectScalarText("an input's name")
            guard isIdentifier(name) else {
                throw WorkflowError(.invalidValue, "input name '\(name.prefix(80))' must be 1 to 64 letters, digits, '_' and '-', starting with a letter or '_'", at: key.location)
            }
            var input = WorkflowInput(name: name, description: nil, required: false, defaultValue: nil, type: .string)
            if !value.isNull {
                let reader = try MappingReader(value, what: "input '\(name)'", known: inputFields)
                try reader.refuseUnknownKeys()
                input.description = try reader.string("description")
                input.required = try reader.bool("required") ?? false
                if let typeNode = reader.value("type"), !typeNode.isNull {
                    let raw = try typeNode.expectString("'type' of input '\(name)'")
                    guard let type = WorkflowInput.ValueType(rawValue: raw) else {
                        throw WorkflowError(.invalidValue, "unknown input type '\(raw)'\(Suggestion.phrase(for: raw, among: WorkflowInput.ValueType.allCases.map(\.rawValue))): use string, number or boolean", at: typeNode.location)
                    }
                    input.type = type
                }
                if let defaultNode = reader.value("default"), !defaultNode.isNull {
                    guard let value = input.type.accept(defaultNode.json) else {
                        throw WorkflowError(.wrongType, "the default of input '\(name)' must be a \(input.type.rawValue), got \(defaultNode.typeName)", at: defaultNode.location)
                    }
                    input.defaultValue = value
                }
            }
            inputs.append(input)
        }
        return inputs
    }

    /// Parses `text` as a template found in `node`, placing a syntax error inside it.
    static func template(_ text: String, in node: YAMLNode) throws(WorkflowError) -> Template {
        do { return try Template(text) } catch {
            throw WorkflowError(error.code, "\(error.message) (in '\(text.prefix(120))', character \(error.offset + 1))", at: node.location(ofTextOffset: error.offset))
        }
    }

    /// Parses a condition: bare (`steps.a.outcome == 'success'`) or wrapped in `${{ }}`; a
    /// YAML boolean is the literal condition.
    static func condition(_ node: YAMLNode, what: String) throws(WorkflowError) -> Expression {
        if case .bool(let flag) = node.json, !node.isQuoted { return try! Expression(flag ? "true" : "false") }
        let text = try node.expectString(what)
        var body = Substring(text)
        var shift = 0
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}"), trimmed.count >= 5 {
            let leading = text.unicodeScalars.count - String(text.drop { $0 == " " || $0 == "\t" }).unicodeScalars.count
            body = trimmed.dropFirst(3).dropLast(2)
            shift = leading + 3
        }
        do { return try Expression(String(body)) } catch {
            throw WorkflowError(error.code, "\(what): \(error.message) (in '\(text.prefix(120))', character \(shift + error.offset + 1))", at: node.location(ofTextOffset: shift + error.offset))
        }
    }
}

extension WorkflowInput.ValueType {
    /// The value as this type, or nil: a number or boolean given as text is read (`--input n=3`).
    func accept(_ value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.string, .string): return value
        case (.string, .int), (.string, .double), (.string, .bool): return .string(value.templateText)
        case (.number, .int), (.number, .double): return value
        case (.number, .string(let text)): return ExpressionLexer.parseNumber(String(text.trimmingWhitespace()))
        case (.boolean, .bool): return value
        case (.boolean, .string(let text)):
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }
}
