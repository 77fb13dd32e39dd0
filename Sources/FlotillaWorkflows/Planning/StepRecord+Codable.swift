import FlotillaCore

// A run's state is what the runtime stores (a row per run, a record per step) and reads back
// after a restart: the planner's inputs are Codable so that round trip needs no mapping code.
// The plain types declare it where they are declared; these two have associated values.

extension SkipReason: Codable {
    private enum CodingKeys: String, CodingKey { case kind, condition, step, outcome }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "condition_false": self = .conditionFalse(try container.decode(String.self, forKey: .condition))
        case "need_not_succeeded":
            self = .needNotSucceeded(step: try container.decode(String.self, forKey: .step), outcome: try container.decode(StepOutcome.self, forKey: .outcome))
        case "nothing_failed": self = .nothingFailed
        case "run_cancelled": self = .runCancelled
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown skip reason '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .conditionFalse(let condition):
            try container.encode("condition_false", forKey: .kind)
            try container.encode(condition, forKey: .condition)
        case .needNotSucceeded(let step, let outcome):
            try container.encode("need_not_succeeded", forKey: .kind)
            try container.encode(step, forKey: .step)
            try container.encode(outcome, forKey: .outcome)
        case .nothingFailed: try container.encode("nothing_failed", forKey: .kind)
        case .runCancelled: try container.encode("run_cancelled", forKey: .kind)
        }
    }
}

extension StepRecord: Codable {
    private enum CodingKeys: String, CodingKey { case state, reason, error, instances }
    private enum ErrorKeys: String, CodingKey { case code, message, field }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .state) {
        case "pending": self = .pending
        case "skipped": self = .skipped(try container.decode(SkipReason.self, forKey: .reason))
        case "failed_to_start":
            let error = try container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            let raw = try error.decode(String.self, forKey: .code)
            guard let code = WorkflowErrorCode(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .code, in: error, debugDescription: "unknown workflow error code '\(raw)'")
            }
            self = .failedToStart(WorkflowError(code, try error.decode(String.self, forKey: .message), field: try error.decodeIfPresent(String.self, forKey: .field)))
        case "started": self = .started(try container.decode([InstanceState].self, forKey: .instances))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "unknown step state '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .pending: try container.encode("pending", forKey: .state)
        case .skipped(let reason):
            try container.encode("skipped", forKey: .state)
            try container.encode(reason, forKey: .reason)
        case .failedToStart(let failure):
            try container.encode("failed_to_start", forKey: .state)
            var error = container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            try error.encode(failure.code.rawValue, forKey: .code)
            try error.encode(failure.message, forKey: .message)
            try error.encodeIfPresent(failure.field, forKey: .field)
        case .started(let instances):
            try container.encode("started", forKey: .state)
            try container.encode(instances, forKey: .instances)
        }
    }
}
