import FlotillaCore
import Yams

extension YAMLNode {
    /// Parses YAML text into located nodes. A syntax error, a duplicate key, an alias or a
    /// second document is a ``WorkflowError`` with its line and column; an empty file is nil.
    static func compose(_ yaml: String, file: String) throws(WorkflowError) -> YAMLNode? {
        let root: Node?
        do {
            // No tag rules: scalars are typed by `YAMLNode.plainValue` (YAML 1.2's core schema),
            // and Yams' regular expressions would cost most of the parse.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw Self.convert(error, yaml: yaml, file: file)
        } catch {
            throw WorkflowError(.invalidYAML, "not valid YAML: \(error)", at: WorkflowLocation(file: file, line: 1, column: 1))
        }
        guard let root else { return nil }
        return try YAMLNode(root, file: file)
    }

    private init(_ node: Node, file: String) throws(WorkflowError) {
        let mark = node.mark
        let location = WorkflowLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            let isBlock = scalar.style == .literal || scalar.style == .folded
            self.init(kind: .scalar(scalar.string, quoted: quoted || isBlock), location: location,
                      textColumnOffset: isBlock ? nil : (quoted ? 1 : 0))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(try YAMLNode(item, file: file)) }
            self.init(kind: .sequence(items), location: location)
        case .mapping(let mapping):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            for (key, value) in mapping { pairs.append((try YAMLNode(key, file: file), try YAMLNode(value, file: file))) }
            self.init(kind: .mapping(pairs), location: location)
        case .alias:
            throw WorkflowError(.invalidYAML, "YAML aliases (*name) are not supported in a workflow file: write the value out", at: location)
        }
    }

    private static func convert(_ error: YamlError, yaml: String, file: String) -> WorkflowError {
        func at(_ mark: Mark) -> WorkflowLocation { WorkflowLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text))" } ?? ""
            return WorkflowError(.invalidYAML, "not valid YAML: \(problem)\(detail)", at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.sorted().first ?? ""
            let second = secondOccurrence(of: key, after: context.mark, in: yaml)
            let message = "the key '\(key)' appears twice in one mapping (first at line \(context.mark.line)): keep one"
            let location = second.map { WorkflowLocation(file: file, line: $0.line, column: $0.column) } ?? at(context.mark)
            return WorkflowError(.duplicateKey, message, at: location)
        default:
            return WorkflowError(.invalidYAML, "not valid YAML: \(error)", at: WorkflowLocation(file: file, line: 1, column: 1))
        }
    }

    /// Where a duplicated block-mapping key appears again: the next line after `first` with the
    /// key at the same column. Yams reports only the first; the second is the one to remove.
    private static func secondOccurrence(of key: String, after first: Mark, in yaml: String) -> (line: Int, column: Int)? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let line = Array(lines[index].unicodeScalars)
            let start = first.column - 1
            guard start >= 0, line.count > start else { continue }
            let rest = String(String.UnicodeScalarView(line[start...]))
            let before = String(String.UnicodeScalarView(line[..<start]))
            let candidates = [key, "'\(key)'", "\"\(key)\""]
            guard before.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            for candidate in candidates where rest.hasPrefix(candidate) {
                let after = rest.dropFirst(candidate.count).drop { $0 == " " }
                if after.hasPrefix(":") { return (index + 1, first.column) }
            }
        }
        return nil
    }
}
