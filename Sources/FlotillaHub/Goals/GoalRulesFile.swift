public import FlotillaCore
public import FlotillaGoals
import Foundation
import Yams

/// The rules file of `flotilla hub --goal-rules FILE`: YAML or JSON of the shape
/// ``GoalRules/init(json:)`` reads (docs/goals.md, "The rules file"). A problem is an error that
/// names the file, the line and the field (`rules.yaml line 7, risk.paths[0].globs[0]: …`),
/// and nothing is applied: the hub does not start with rules it cannot read.
public enum GoalRulesFile {
    public static func load(path: String) throws(FlotillaError) -> GoalRules {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FlotillaError(.invalidField, "Cannot read the goal rules file \(path).", field: "goal-rules")
        }
        return try parse(text, file: (path as NSString).lastPathComponent)
    }

    /// Parses YAML (JSON is YAML too, but is read as JSON first for its exact numbers).
    public static func parse(_ text: String, file: String = "goal rules") throws(FlotillaError) -> GoalRules {
        let json: JSONValue
        if let parsed = try? JSONValue.parse(text) {
            json = parsed
        } else {
            let loaded: Any?
            do {
                loaded = try Yams.load(yaml: text)
            } catch let error as YamlError {
                throw FlotillaError(.invalidField, "\(file)\(Self.line(of: error)): neither JSON nor YAML: \(Self.problem(error))", field: "goal-rules")
            } catch {
                throw FlotillaError(.invalidField, "\(file): neither JSON nor YAML: \(error)", field: "goal-rules")
            }
            guard let converted = JSONValue(plain: loaded) else {
                throw FlotillaError(.invalidField, "\(file): holds a value that is not plain YAML (strings, numbers, lists, maps).", field: "goal-rules")
            }
            json = converted.isNull ? .object([:]) : converted
        }
        do {
            return try GoalRules(json: json)
        } catch {
            let line = error.field.flatMap { Self.line(ofField: $0, in: text) }.map { " line \($0)" } ?? ""
            let place = error.field.map { ", \($0)" } ?? ""
            throw FlotillaError(error.code, "\(file)\(line)\(place): \(error.message)", field: error.field)
        }
    }

    /// The line a field path (`risk.paths[0].globs[1]`) starts on in the file: the deepest
    /// node of the path that exists (an unknown key's own line).
    static func line(ofField field: String, in text: String) -> Int? {
        guard let root = try? Yams.compose(yaml: text, .basic) else { return nil }
        var node = root
        var line = root.mark?.line
        for part in components(field) {
            switch (node, part) {
            case (.mapping(let mapping), .key(let key)):
                guard let pair = mapping.first(where: { $0.key.string == key }) else { return line }
                line = pair.key.mark?.line ?? line
                node = pair.value
            case (.sequence(let sequence), .index(let index)):
                guard index < sequence.count else { return line }
                node = sequence[index]
                line = node.mark?.line ?? line
            default:
                return line
            }
        }
        return node.mark?.line ?? line
    }

    enum Component: Equatable { case key(String), index(Int) }

    /// `risk.paths[0].globs` → key risk, key paths, index 0, key globs.
    static func components(_ field: String) -> [Component] {
        var out: [Component] = []
        for segment in field.split(separator: ".") {
            var rest = Substring(segment)
            if let open = rest.firstIndex(of: "[") {
                if open > rest.startIndex { out.append(.key(String(rest[..<open]))) }
                rest = rest[open...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) { out.append(.index(index)) }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                out.append(.key(String(rest)))
            }
        }
        return out
    }

    private static func line(of error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): " line \(mark.line)"
        default: ""
        }
    }

    private static func problem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}
