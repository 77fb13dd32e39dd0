import FlotillaCore

extension WorkflowParser {
    static func parseSteps(_ node: YAMLNode, inputNames: Set<String>) throws(WorkflowError) -> [WorkflowStep] {
        guard case .mapping(let pairs) = node.kind else {
            throw WorkflowError(.wrongType, "'steps' must be a mapping from step id to step, got \(node.typeName)", at: node.location)
        }
        guard !pairs.isEmpty else {
            throw WorkflowError(.missingField, "'steps' is empty: a workflow needs at least one step", at: node.location)
        }
        guard pairs.count <= maxSteps else {
            throw WorkflowError(.invalidValue, "\(pairs.count) steps; a workflow may have at most \(maxSteps)", at: node.location)
        }
        // Every id first: a step may name one defined below it.
        var ids: Set<String> = []
        for (key, _) in pairs {
            let id = try key.expectScalarText("a step id")
            guard isIdentifier(id) else {
                throw WorkflowError(.invalidStepID, "step id '\(id.prefix(80))' must be 1 to 64 letters, digits, '_' and '-', starting with a letter or '_'", at: key.location)
            }
            ids.insert(id)
        }
        var steps: [WorkflowStep] = []
        steps.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            steps.append(try parseStep(id: key.scalarText ?? "", key: key, value, stepIDs: ids))
        }
        return steps
    }

    static func parseStep(id: String, key: YAMLNode, _ node: YAMLNode, stepIDs: Set<String>) throws(WorkflowError) -> WorkflowStep {
        let what = "step '\(id)'"
        let reader = try MappingReader(node, what: what, known: stepFields)
        try reader.refuseUnknownKeys()
        var reads = StepReads(step: id, stepIDs: stepIDs)
        func template(_ field: String) throws(WorkflowError) -> Template? {
            guard let value = reader.value(field), !value.isNull else { return nil }
            return try reads.template(try value.expectScalarText("'\(field)' of \(what)"), in: value)
        }
        func templates(_ field: String) throws(WorkflowError) -> [Template] {
            var out: [Template] = []
            for (text, item) in try reader.strings(field) { out.append(try reads.template(text, in: item)) }
            return out
        }
        let typeNode = try reader.required("type")
        var step = WorkflowStep(id: id, location: key.location, type: try reads.template(try typeNode.expectString("'type' of \(what)"), in: typeNode))
        step.role = try template("role")
        step.capabilities = try templates("capabilities")
        step.prompt = try template("prompt")
        step.payload = try reader.value("payload").map { value throws(WorkflowError) in try templateValue(value, reads: &reads) }
        step.verify = try templates("verify")
        step.repo = try template("repo")
        if let raw = try reader.string("priority") {
            guard let priority = Priority(rawValue: raw) else {
                throw WorkflowError(.invalidValue, "unknown priority '\(raw)'\(Suggestion.phrase(for: raw, among: Priority.allCases.map(\.rawValue))): use critical, high, normal or low", at: reader.value("priority")!.location)
            }
            step.priority = priority
        }
        if let raw = try reader.string("complexity") {
            guard let complexity = Complexity(rawValue: raw) else {
                throw WorkflowError(.invalidValue, "unknown complexity '\(raw)'\(Suggestion.phrase(for: raw, among: Complexity.allCases.map(\.rawValue))): use trivial, standard or complex", at: reader.value("complexity")!.location)
            }
            step.complexity = complexity
        }
        step.timeoutSeconds = try reader.int("timeout", range: 1...604_800)
        step.maxAttempts = try reader.int("max_attempts", range: 1...TaskSpec.maxAttemptsLimit)
        step.needs = try Self.stepIDs(reader, "needs", of: id, known: stepIDs)
        step.onFailure = try Self.stepIDs(reader, "on_failure", of: id, known: stepIDs)
        step.continueOnError = try reader.bool("continue_on_error") ?? false
        if let value = reader.value("if"), !value.isNull {
            let expression = try condition(value, what: "'if' of \(what)")
            try reads.record(expression, in: value, shift: value.conditionShift)
            step.condition = expression
        }
        if let value = reader.value("matrix"), !value.isNull {
            step.matrix = try parseMatrix(value, step: id, reads: &reads)
        }
        step.reads = reads.found
        try checkLiteralTask(step, reader: reader)
        return step
    }

    /// `needs` or `on_failure`: step ids (checked against the steps once all are read).
    private static func stepIDs(_ reader: MappingReader, _ field: String, of id: String, known: Set<String>) throws(WorkflowError) -> [String] {
        var out: [String] = []
        for (name, node) in try reader.strings(field) {
            guard known.contains(name) else {
                throw WorkflowError(.unknownStep, "'\(field)' of step '\(id)' names '\(name)', which is not a step\(Suggestion.phrase(for: name, among: known))", at: node.location)
            }
            guard name != id else {
                throw WorkflowError(.cycle, "step '\(id)' names itself in '\(field)'", at: node.location)
            }
            guard !out.contains(name) else {
                throw WorkflowError(.invalidValue, "'\(field)' of step '\(id)' names '\(name)' twice", at: node.location)
            }
            out.append(name)
        }
        return out
    }

    /// A payload: any YAML value, whose strings may hold `${{ }}` templates.
    static func templateValue(_ node: YAMLNode, reads: inout StepReads) throws(WorkflowError) -> TemplateValue {
        switch node.kind {
        case .scalar(let text, _):
            guard case .string = node.json, text.contains("${{") else { return .literal(node.json) }
            return .template(try reads.template(text, in: node))
        case .sequence(let items):
            var out: [TemplateValue] = []
            for item in items { out.append(try templateValue(item, reads: &reads)) }
            return out.allSatisfy { if case .literal = $0 { true } else { false } } ? .literal(node.json) : .array(out)
        case .mapping(let pairs):
            var out: [String: TemplateValue] = [:]
            for (key, value) in pairs { out[try key.expectScalarText("a payload key")] = try templateValue(value, reads: &reads) }
            return out.values.allSatisfy { if case .literal = $0 { true } else { false } } ? .literal(node.json) : .object(out)
        }
    }

    static func parseMatrix(_ node: YAMLNode, step id: String, reads: inout StepReads) throws(WorkflowError) -> StepMatrix {
        guard case .mapping(let pairs) = node.kind, !pairs.isEmpty else {
            throw WorkflowError(.wrongType, "'matrix' of step '\(id)' must be a mapping from a name to a list of values, got \(node.typeName)", at: node.location)
        }
        var dimensions: [StepMatrix.Dimension] = []
        var combinations = 1
        for (key, value) in pairs {
            let name = try key.expectScalarText("a matrix dimension's name")
            guard isIdentifier(name) else {
                throw WorkflowError(.invalidValue, "matrix dimension '\(name.prefix(80))' of step '\(id)' must be 1 to 64 letters, digits, '_' and '-', starting with a letter or '_'", at: key.location)
            }
            switch value.kind {
            case .sequence(let items):
                guard !items.isEmpty else {
                    throw WorkflowError(.invalidValue, "matrix dimension '\(name)' of step '\(id)' is empty: it would run nothing", at: value.location)
                }
                combinations *= items.count
                guard combinations <= StepMatrix.maxCombinations else {
                    throw WorkflowError(.matrixTooLarge, "the matrix of step '\(id)' has more than \(StepMatrix.maxCombinations) combinations", at: value.location)
                }
                dimensions.append(StepMatrix.Dimension(name: name, values: .list(items.map(\.json))))
            case .scalar(let text, _) where value.string != nil && text.contains("${{"):
                dimensions.append(StepMatrix.Dimension(name: name, values: .expression(try reads.template(text, in: value))))
            default:
                throw WorkflowError(.wrongType, "matrix dimension '\(name)' of step '\(id)' must be a list, or '${{ … }}' giving one, got \(value.typeName)", at: value.location)
            }
        }
        return StepMatrix(dimensions: dimensions)
    }

    /// Validates the step's task with ``TaskSpec/init(json:index:unknownFields:)`` as far as its
    /// fields are literal (templates stand in as a valid name), so a bad role or repo is
    /// refused when the file is read, at its line, not when the step starts.
    private static func checkLiteralTask(_ step: WorkflowStep, reader: MappingReader) throws(WorkflowError) {
        let stand = "x"
        func text(_ template: Template?) -> JSONValue? { template.map { .string($0.isLiteral ? $0.source : stand) } }
        var object: [String: JSONValue] = ["type": text(step.type)!]
        object["role"] = text(step.role)
        object["capabilities"] = .array(step.capabilities.map { text($0)! })
        object["repo"] = text(step.repo)
        do {
            _ = try TaskSpec(json: .object(object))
        } catch {
            let field = (error.field ?? "type").split(separator: ".").first.map(String.init) ?? "type"
            let node = reader.value(field) ?? reader.node
            throw WorkflowError(.invalidValue, "\(error.message) (step '\(step.id)')", at: node.location)
        }
    }
}
