import FlotillaCore

/// A parsed and checked workflow file (docs/workflows.md): its name, inputs, triggers and steps.
/// Made by ``WorkflowParser``; everything a run needs is here, with each expression parsed.
public struct WorkflowDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// Inputs in file order.
    public var inputs: [WorkflowInput]
    public var triggers: WorkflowTriggers
    /// Steps in file order (the order planning lists them in).
    public var steps: [WorkflowStep]
    /// The file the definition was read from, as given to the parser.
    public var file: String
    /// Metadata every step's task carries besides `workflow`, `run` and `step` (a goal's
    /// run: `{"goal": id}`, so the ledger and the scheduler know whose spending it is).
    public var taskMetadata: [String: JSONValue] = [:]

    /// The step with `id`.
    public func step(_ id: String) -> WorkflowStep? { steps.first { $0.id == id } }

    /// The ids of steps named in some step's `on_failure`: they run only after a failure.
    public var handlerIDs: Set<String> { Set(steps.flatMap(\.onFailure)) }
}

/// One declared input of a workflow.
public struct WorkflowInput: Sendable, Hashable {
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case string, number, boolean
    }

    public var name: String
    public var description: String?
    public var required: Bool
    /// Used when the run does not give the input.
    public var defaultValue: JSONValue?
    public var type: ValueType
}
