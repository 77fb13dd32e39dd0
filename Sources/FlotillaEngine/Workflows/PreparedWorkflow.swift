import FlotillaWorkflows

/// A parsed workflow with what every run of it plans with: cached per source
/// (``DefinitionCache``), so starting a run does not build them again.
struct PreparedWorkflow: Sendable {
    let definition: WorkflowDefinition
    let planner: RunPlanner
    let links: StepLinks

    init(_ definition: WorkflowDefinition) {
        self.definition = definition
        self.planner = RunPlanner(definition)
        self.links = StepLinks(definition)
    }
}
