import FlotillaCore

/// Where a step's expressions read another step (`steps.build.result`): checked when the file
/// is read, so a typo or a read of a step that has not ended is refused with its position.
public struct StepReference: Sendable, Hashable {
    public var step: String
    public var location: WorkflowLocation
}

/// Collects the ``StepReference``s of one step while its templates and condition are parsed,
/// refusing a step id the file does not define.
struct StepReads {
    let step: String
    let stepIDs: Set<String>
    private(set) var found: [StepReference] = []

    init(step: String, stepIDs: Set<String>) {
        self.step = step
        self.stepIDs = stepIDs
    }

    /// Parses a template found in `node` and records the steps it reads.
    mutating func template(_ text: String, in node: YAMLNode) throws(WorkflowError) -> Template {
        let template = try WorkflowParser.template(text, in: node)
        for (expression, offset) in template.expressions { try record(expression, in: node, shift: offset) }
        return template
    }

    /// Records the steps `expression` reads; `shift` is where its text starts in the node's.
    mutating func record(_ expression: Expression, in node: YAMLNode, shift: Int) throws(WorkflowError) {
        if let offset = expression.dynamicStepsOffset {
            throw WorkflowError(.invalidExpression, "step '\(step)' reads 'steps' without naming a step: write steps.<id> or steps['<id>']", at: node.location(ofTextOffset: shift + offset))
        }
        for (id, offset) in expression.referencedSteps {
            let location = node.location(ofTextOffset: shift + offset)
            guard stepIDs.contains(id) else {
                throw WorkflowError(.unknownStep, "step '\(step)' reads steps.\(id), which is not a step\(Suggestion.phrase(for: id, among: stepIDs))", at: location)
            }
            found.append(StepReference(step: id, location: location))
        }
    }
}

extension YAMLNode {
    /// Where a condition's expression starts in the scalar's text: after `${{` when wrapped.
    var conditionShift: Int {
        guard let text = string else { return 0 }
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return 0 }
        return text.unicodeScalars.count - String(text.drop { $0 == " " || $0 == "\t" }).unicodeScalars.count + 3
    }
}
