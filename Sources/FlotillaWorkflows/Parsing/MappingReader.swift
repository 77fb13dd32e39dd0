import FlotillaCore

/// Reads one YAML mapping of a workflow file: typed fields by name, each error at the value's
/// line and column, and unknown keys refused with a "did you mean".
struct MappingReader {
    let node: YAMLNode
    /// What the mapping is, in messages: "the workflow", "step 'build'", "on.schedule".
    let what: String
    /// The keys this mapping may have.
    let known: [String]
    private let pairs: [(key: YAMLNode, value: YAMLNode)]

    init(_ node: YAMLNode, what: String, known: [String]) throws(WorkflowError) {
        guard case .mapping(let pairs) = node.kind else {
            throw WorkflowError(.wrongType, "\(what) must be a mapping, got \(node.typeName)", at: node.location)
        }
        self.node = node
        self.what = what
        self.known = known
        self.pairs = pairs
    }

    /// Refuses the first key not in ``known``, with the closest known one as a hint.
    func refuseUnknownKeys() throws(WorkflowError) {
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            guard !known.contains(key) else { continue }
            let hint = Suggestion.phrase(for: key, among: known)
            throw WorkflowError(.unknownField, "unknown field '\(key)' in \(what)\(hint); known fields: \(known.joined(separator: ", "))", at: pair.key.location)
        }
    }

    func value(_ key: String) -> YAMLNode? { pairs.first { $0.key.scalarText == key }?.value }

    func keyNode(_ key: String) -> YAMLNode? { pairs.first { $0.key.scalarText == key }?.key }

    var entries: [(key: YAMLNode, value: YAMLNode)] { pairs }

    func required(_ key: String) throws(WorkflowError) -> YAMLNode {
        guard let value = value(key), !value.isNull else {
            throw WorkflowError(.missingField, "\(what) needs '\(key)'", at: node.location)
        }
        return value
    }

    func string(_ key: String) throws(WorkflowError) -> String? {
        guard let value = value(key), !value.isNull else { return nil }
        return try value.expectString("'\(key)' of \(what)")
    }

    func requiredString(_ key: String) throws(WorkflowError) -> String {
        try required(key).expectString("'\(key)' of \(what)")
    }

    func bool(_ key: String) throws(WorkflowError) -> Bool? {
        guard let value = value(key), !value.isNull else { return nil }
        guard case .bool(let flag) = value.json, !value.isQuoted else {
            throw WorkflowError(.wrongType, "'\(key)' of \(what) must be true or false, got \(value.typeName)", at: value.location)
        }
        return flag
    }

    func int(_ key: String, range: ClosedRange<Int>) throws(WorkflowError) -> Int? {
        guard let value = value(key), !value.isNull else { return nil }
        guard case .int(let number) = value.json, !value.isQuoted else {
            throw WorkflowError(.wrongType, "'\(key)' of \(what) must be a whole number, got \(value.typeName)", at: value.location)
        }
        guard range.contains(Int(number)) else {
            throw WorkflowError(.invalidValue, "'\(key)' of \(what) must be between \(range.lowerBound) and \(range.upperBound), got \(number)", at: value.location)
        }
        return Int(number)
    }

    /// A string or a list of strings (`needs: build` or `needs: [build, test]`), each with its node.
    func strings(_ key: String) throws(WorkflowError) -> [(String, YAMLNode)] {
        guard let value = value(key), !value.isNull else { return [] }
        if case .sequence(let items) = value.kind {
            var out: [(String, YAMLNode)] = []
            for item in items { out.append((try item.expectString("an item of '\(key)' in \(what)"), item)) }
            return out
        }
        guard let text = value.string else {
            throw WorkflowError(.wrongType, "'\(key)' of \(what) must be a string or a list of strings, got \(value.typeName)", at: value.location)
        }
        return [(text, value)]
    }
}

extension YAMLNode {
    var isNull: Bool {
        if case .scalar(let text, let quoted) = kind, !quoted, YAMLNode.plainValue(text) == .null { return true }
        return false
    }

    var isQuoted: Bool {
        if case .scalar(_, let quoted) = kind { return quoted }
        return false
    }

    /// The scalar as text; a number or boolean is refused (`type: 3`), as is a list or mapping.
    func expectString(_ what: String) throws(WorkflowError) -> String {
        guard let text = string else {
            throw WorkflowError(.wrongType, "\(what) must be a string, got \(typeName)", at: location)
        }
        return text
    }

    /// Any scalar as text (a number too): for names and free text where `1.0` means "1.0".
    func expectScalarText(_ what: String) throws(WorkflowError) -> String {
        guard case .scalar(let text, _) = kind, !isNull else {
            throw WorkflowError(.wrongType, "\(what) must be a string, got \(typeName)", at: location)
        }
        return text
    }

    /// Where in the file the character at `offset` of the scalar's text is: exact for a scalar
    /// on one line, else the scalar's start.
    func location(ofTextOffset offset: Int) -> WorkflowLocation {
        guard let shift = textColumnOffset, case .scalar(let text, _) = kind,
              !text.unicodeScalars.prefix(offset).contains("\n") else { return location }
        return location.advanced(by: shift + offset)
    }
}
