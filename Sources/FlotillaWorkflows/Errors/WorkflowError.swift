import FlotillaCore

/// A problem with a workflow file, a run's inputs or an expression, with a stable code and, for
/// a file, where in it: the `field` is `FILE:LINE:COLUMN` (as a compiler prints it), so
/// `workflow_unknown_field: deploy.yaml:12:5: unknown field 'neds' in step 'build' (did you mean 'needs'?)`.
public typealias WorkflowError = CodedError<WorkflowErrorCode>

/// Stable codes of ``WorkflowError``, documented in docs/workflows.md and docs/errors.md; match
/// on `rawValue`, never rename one.
public enum WorkflowErrorCode: String, ErrorCode {
    /// The file is not YAML (a syntax error), or its top level is not a mapping.
    case invalidYAML = "workflow_invalid_yaml"
    /// A key appears twice in one mapping.
    case duplicateKey = "workflow_duplicate_key"
    /// A key the format does not know (with a "did you mean" for a close one).
    case unknownField = "workflow_unknown_field"
    /// A required key is absent (`name`, `steps`, a step's `type`).
    case missingField = "workflow_missing_field"
    /// A value of the wrong YAML type (a list where a string is expected…).
    case wrongType = "workflow_wrong_type"
    /// A value of the right type that is not allowed (an unknown priority, a zero timeout).
    case invalidValue = "workflow_invalid_value"
    /// A step id that is not 1 to 64 letters, digits, `_` and `-`, starting with a letter or `_`.
    case invalidStepID = "workflow_invalid_step_id"
    /// `needs` or `on_failure` names a step the file does not define.
    case unknownStep = "workflow_unknown_step"
    /// A step's expression reads `steps.X` but the step does not come after X (add X to `needs`).
    case stepNotNeeded = "workflow_step_not_needed"
    /// The steps' `needs` and `on_failure` form a cycle (the message names its steps).
    case cycle = "workflow_cycle"
    /// An expression (`if:` or inside `${{ }}`) does not parse.
    case invalidExpression = "workflow_invalid_expression"
    /// A cron schedule does not parse, or its time zone is unknown.
    case invalidCron = "workflow_invalid_cron"
    /// A matrix expands to more combinations than allowed, or has an empty dimension.
    case matrixTooLarge = "workflow_matrix_too_large"
    /// A run's inputs: an unknown name, a missing required one, or a value of the wrong type.
    case invalidInput = "workflow_invalid_input"
    /// Evaluating an expression failed at run time (`fromJSON` of text that is not JSON…).
    case evaluationFailed = "workflow_evaluation_failed"
    /// A step's rendered task is not a valid task (the message holds the task's own error).
    case invalidTask = "workflow_invalid_task"

    /// The field is the place in the file, which the message does not repeat.
    public static var describesField: Bool { true }
}

/// A place in a workflow file: 1-based line and column, as editors show them.
public struct WorkflowLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN`.
    public var description: String { "\(file):\(line):\(column)" }

    /// The same file and line, `offset` columns further right.
    func advanced(by offset: Int) -> WorkflowLocation {
        WorkflowLocation(file: file, line: line, column: column + offset)
    }
}

extension CodedError where ModuleCode == WorkflowErrorCode {
    /// An error at a place in a file.
    init(_ code: WorkflowErrorCode, _ message: String, at location: WorkflowLocation) {
        self.init(code, message, field: location.description)
    }

    /// Where in the file the error is, read back from ``field`` (nil for an error with no place).
    public var location: WorkflowLocation? {
        guard let field else { return nil }
        // Split from the end: the file name may hold colons.
        let parts = field.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) else {
            return nil
        }
        return WorkflowLocation(file: parts.dropLast(2).joined(separator: ":"), line: line, column: column)
    }
}
