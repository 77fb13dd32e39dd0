import FlotillaCore

/// One step of a workflow: the task it submits (its fields may hold templates) and how it
/// joins the graph.
public struct WorkflowStep: Sendable, Hashable {
    /// The step's id: its key under `steps:`.
    public var id: String
    /// Where the step's key is in the file.
    public var location: WorkflowLocation

    // The task, as TaskSpec's fields; strings may be templates.
    public var type: Template
    public var role: Template?
    public var capabilities: [Template]
    public var prompt: Template?
    public var payload: TemplateValue?
    public var verify: [Template]
    public var priority: Priority?
    public var timeoutSeconds: Int?
    public var maxAttempts: Int?
    public var repo: Template?
    public var complexity: Complexity?

    // The graph.
    /// Steps that must end before this one starts.
    public var needs: [String]
    /// The condition (`if:`); without a status function it means `success() && (…)`.
    public var condition: Expression?
    /// Steps to run when this one ends failed or cancelled (a rollback).
    public var onFailure: [String]
    /// A failure of this step does not fail the run, nor count as a failure for later steps.
    public var continueOnError: Bool
    public var matrix: StepMatrix?
    /// The other steps its expressions read, with where (checked against its `needs`).
    public var reads: [StepReference]

    public init(id: String, location: WorkflowLocation, type: Template) {
        self.id = id
        self.location = location
        self.type = type
        self.role = nil
        self.capabilities = []
        self.prompt = nil
        self.payload = nil
        self.verify = []
        self.priority = nil
        self.timeoutSeconds = nil
        self.maxAttempts = nil
        self.repo = nil
        self.complexity = nil
        self.needs = []
        self.condition = nil
        self.onFailure = []
        self.continueOnError = false
        self.matrix = nil
        self.reads = []
    }
}

/// A step's `matrix`: named dimensions, each a list of values, fanned out into one task per
/// combination (the cartesian product, the first dimension varying slowest).
public struct StepMatrix: Sendable, Hashable {
    /// Most combinations one step may fan out into.
    public static let maxCombinations = 256

    public struct Dimension: Sendable, Hashable {
        public var name: String
        public var values: Values
    }

    public enum Values: Sendable, Hashable {
        case list([JSONValue])
        /// `${{ … }}` that gives a list when the step starts (`fromJSON(inputs.targets)`).
        case expression(Template)
    }

    /// Dimensions in file order.
    public var dimensions: [Dimension]

    /// Every combination, as `{name: value}` objects, in order; with dimension values given,
    /// the expression ones already evaluated.
    public static func combinations(_ dimensions: [(name: String, values: [JSONValue])]) -> [JSONValue] {
        var out: [[String: JSONValue]] = [[:]]
        for dimension in dimensions {
            var next: [[String: JSONValue]] = []
            next.reserveCapacity(out.count * dimension.values.count)
            for partial in out {
                for value in dimension.values {
                    var combined = partial
                    combined[dimension.name] = value
                    next.append(combined)
                }
            }
            out = next
        }
        return out.map { .object($0) }
    }
}
