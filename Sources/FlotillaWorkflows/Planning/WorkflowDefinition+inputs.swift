import FlotillaCore

extension WorkflowDefinition {
    /// The run's `inputs`: the given values read as their declared types (`--input n=3` is a
    /// number when `n` is one), defaults for the rest. An unknown name, a missing required
    /// input or a value of the wrong type is ``WorkflowErrorCode/invalidInput``.
    public func resolveInputs(_ given: [String: JSONValue]) throws(WorkflowError) -> JSONValue {
        let declared = Set(inputs.map(\.name))
        if let unknown = given.keys.sorted().first(where: { !declared.contains($0) }) {
            let known = declared.isEmpty ? "it declares none" : "it declares \(inputs.map(\.name).joined(separator: ", "))"
            throw WorkflowError(.invalidInput, "workflow '\(name)' has no input '\(unknown)'\(Suggestion.phrase(for: unknown, among: declared)): \(known)", field: "inputs.\(unknown)")
        }
        var out: [String: JSONValue] = [:]
        for input in inputs {
            if let value = given[input.name], !value.isNull {
                guard let typed = input.type.accept(value) else {
                    throw WorkflowError(.invalidInput, "input '\(input.name)' must be a \(input.type.rawValue), got \(value.typeName == "a string" ? "'\(value.templateText.prefix(80))'" : value.typeName)", field: "inputs.\(input.name)")
                }
                out[input.name] = typed
            } else if let fallback = input.defaultValue {
                out[input.name] = fallback
            } else if input.required {
                throw WorkflowError(.invalidInput, "workflow '\(name)' needs input '\(input.name)'\(input.description.map { " (\($0))" } ?? ""): give it with --input \(input.name)=…", field: "inputs.\(input.name)")
            } else {
                out[input.name] = .null
            }
        }
        return .object(out)
    }
}
