import FlotillaCore

/// Structural mutations of a JSON message: a field of the wrong type, a field removed, a value
/// from another message, deep nesting. Byte mutations mostly make text that does not parse;
/// these reach the readers behind the parser.
public enum JSONMutation {
    /// Values of every type, including ones that are hostile as strings or as numbers.
    public static let palette: [JSONValue] = [
        .null, true, false, 0, -1, .int(.max), .int(.min), 1.5, -0.0, 1e300, "", "x",
        .string(String(repeating: "é", count: 10_000)), "../../etc/passwd", "-rf", "$(touch /tmp/x)",
        [], [1, "a", nil], [:], ["a": ["b": []]],
        (0..<600).reduce(JSONValue.int(1)) { inner, _ in .array([inner]) },
    ]

    /// The paths of `value`'s members, two levels deep (`["payload", "task_id"]`).
    public static func paths(of value: JSONValue) -> [[String]] {
        guard case .object(let object) = value else { return [] }
        var paths: [[String]] = object.keys.sorted().map { [$0] }
        for key in object.keys.sorted() {
            if case .object(let inner)? = object[key] { paths += inner.keys.sorted().map { [key, $0] } }
        }
        return paths
    }

    /// `value` with the member at `path` set to `replacement` (nil removes it).
    public static func replacing(_ path: [String], in value: JSONValue, with replacement: JSONValue?) -> JSONValue {
        guard let key = path.first, case .object(var object) = value else { return value }
        object[key] = path.count == 1 ? replacement : replacing(Array(path.dropFirst()), in: object[key] ?? .null, with: replacement)
        return .object(object)
    }

    /// One random structural mutation of `value`.
    public static func apply(to value: JSONValue, using random: inout FuzzRandom) -> JSONValue {
        let paths = paths(of: value)
        guard !paths.isEmpty else { return random.element(palette) }
        let path = random.element(paths)
        return replacing(path, in: value, with: random.chance(5) ? nil : random.element(palette))
    }

    /// A message mutated in bytes or in structure, as text.
    public static func mutatedText(of value: JSONValue, using random: inout FuzzRandom) -> [UInt8] {
        if random.chance(2) { return Array(apply(to: value, using: &random).jsonString.utf8) }
        return ByteMutation.apply(to: Array(value.jsonString.utf8), count: random.int(1...4), using: &random)
    }
}
