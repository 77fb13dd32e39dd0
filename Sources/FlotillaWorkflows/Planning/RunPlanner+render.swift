import FlotillaCore

extension RunPlanner {
    /// What a step's expressions read: `inputs`, `trigger`, `run`, `matrix` and the steps it
    /// names (``WorkflowStep/reads``; the parser holds reads to steps it comes after).
    func expressionContext(for step: WorkflowStep, records: [StepRecord], state: WorkflowRunState, status: ExpressionContext.Status, matrix: JSONValue?) -> ExpressionContext {
        var steps: [String: JSONValue] = [:]
        for read in step.reads where steps[read.step] == nil {
            guard let position = index[read.step] else { continue }
            steps[read.step] = stepValue(position, records[position])
        }
        return ExpressionContext([
            "inputs": state.inputs,
            "trigger": state.trigger,
            "run": ["id": .string(state.runID), "workflow": .string(definition.name)],
            "matrix": matrix ?? .object([:]),
            "steps": .object(steps),
        ], status: status)
    }

    /// `steps.<id>`: `status`, `outcome`, `conclusion`, `result`, `error`, `skip_reason`; for a
    /// matrix step `result` and `error` are lists in matrix order.
    func stepValue(_ position: Int, _ record: StepRecord) -> JSONValue {
        var value: [String: JSONValue] = ["status": .string(record.status)]
        value["outcome"] = record.outcome.map { .string($0.rawValue) } ?? .null
        value["conclusion"] = conclusion(position, record).map { .string($0.rawValue) } ?? .null
        value["result"] = .null
        value["error"] = .null
        switch record {
        case .skipped(let reason): value["skip_reason"] = .string(reason.description)
        case .failedToStart(let error): value["error"] = .string(error.message)
        case .started(let instances):
            if definition.steps[position].matrix != nil {
                value["result"] = .array(instances.map { $0.result ?? .null })
                value["error"] = .array(instances.map { $0.error ?? .null })
            } else if let instance = instances.first {
                value["result"] = instance.result ?? .null
                value["error"] = instance.error ?? .null
            }
        case .pending: break
        }
        return .object(value)
    }

    /// The step's tasks: one, or one per matrix combination, each rendered and validated as a
    /// task. Any error fails the step before a task starts.
    func starts(for step: WorkflowStep, context: ExpressionContext, runID: String) throws(WorkflowError) -> [StepStart] {
        guard let matrix = step.matrix else {
            let key = "wf:\(runID):\(step.id)"
            return [StepStart(instance: InstanceID(step: step.id), matrix: nil, spec: try render(step, context: context, key: key, matrix: nil), idempotencyKey: key)]
        }
        var dimensions: [(name: String, values: [JSONValue])] = []
        var count = 1
        for dimension in matrix.dimensions {
            let values: [JSONValue]
            switch dimension.values {
            case .list(let list): values = list
            case .expression(let template):
                let value: JSONValue
                do { value = try template.value(in: context) } catch {
                    throw WorkflowError(error.code, "step '\(step.id)': matrix dimension '\(dimension.name)': \(error.description)", at: step.location)
                }
                guard case .array(let list) = value, !list.isEmpty else {
                    throw WorkflowError(.matrixTooLarge, "step '\(step.id)': matrix dimension '\(dimension.name)' must give a non-empty list, got \(value.typeName)", at: step.location)
                }
                values = list
            }
            count *= values.count
            guard count <= StepMatrix.maxCombinations else {
                throw WorkflowError(.matrixTooLarge, "step '\(step.id)': the matrix has more than \(StepMatrix.maxCombinations) combinations", at: step.location)
            }
            dimensions.append((dimension.name, values))
        }
        var out: [StepStart] = []
        for (index, combination) in StepMatrix.combinations(dimensions).enumerated() {
            var instanceContext = context
            instanceContext.values["matrix"] = combination
            let key = "wf:\(runID):\(step.id):\(index)"
            let spec = try render(step, context: instanceContext, key: key, matrix: (combination, index))
            out.append(StepStart(instance: InstanceID(step: step.id, matrixIndex: index), matrix: combination, spec: spec, idempotencyKey: key))
        }
        return out
    }

    /// The step's task with its templates rendered, validated by ``TaskSpec/init(json:index:unknownFields:)``.
    func render(_ step: WorkflowStep, context: ExpressionContext, key: String, matrix: (JSONValue, Int)?) throws(WorkflowError) -> TaskSpec {
        func text(_ template: Template, _ field: String) throws(WorkflowError) -> JSONValue {
            do { return .string(try template.render(in: context)) } catch {
                throw WorkflowError(error.code, "step '\(step.id)': '\(field)': \(error.description)", at: step.location)
            }
        }
        var object: [String: JSONValue] = ["type": try text(step.type, "type")]
        if let role = step.role { object["role"] = try text(role, "role") }
        if let prompt = step.prompt { object["prompt"] = try text(prompt, "prompt") }
        if let repo = step.repo { object["repo"] = try text(repo, "repo") }
        if !step.capabilities.isEmpty {
            var list: [JSONValue] = []
            for capability in step.capabilities { list.append(try text(capability, "capabilities")) }
            object["capabilities"] = .array(list)
        }
        if !step.verify.isEmpty {
            var list: [JSONValue] = []
            for command in step.verify { list.append(try text(command, "verify")) }
            object["verify"] = .array(list)
        }
        if let payload = step.payload {
            do { object["payload"] = try payload.render(in: context) } catch {
                throw WorkflowError(error.code, "step '\(step.id)': 'payload': \(error.description)", at: step.location)
            }
        }
        if let priority = step.priority { object["priority"] = .string(priority.rawValue) }
        if let complexity = step.complexity { object["complexity"] = .string(complexity.rawValue) }
        if let timeout = step.timeoutSeconds { object["timeout_seconds"] = .int(Int64(timeout)) }
        if let attempts = step.maxAttempts { object["max_attempts"] = .int(Int64(attempts)) }
        object["idempotency_key"] = .string(key)
        var metadata: [String: JSONValue] = [
            "workflow": .string(definition.name),
            "run": context.values["run"]?["id"] ?? .null,
            "step": .string(step.id),
        ]
        for (key, value) in definition.taskMetadata where metadata[key] == nil { metadata[key] = value }
        if let (combination, index) = matrix {
            metadata["matrix"] = combination
            metadata["matrix_index"] = .int(Int64(index))
        }
        object["metadata"] = .object(metadata)
        do { return try TaskSpec(json: .object(object)) } catch {
            throw WorkflowError(.invalidTask, "step '\(step.id)': its task is not valid: \(error.message)", at: step.location)
        }
    }
}
