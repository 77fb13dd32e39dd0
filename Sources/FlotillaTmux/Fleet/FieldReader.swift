import FlotillaCore

/// Reads one YAML mapping field by field, so unknown fields and wrong types get an error that
/// names them.
struct FieldReader {
    private var fields: [String: Any]
    private let path: String

    init(_ value: Any?, path: String) throws {
        guard let map = value as? [String: Any] else {
            throw FleetError(.invalidField, "must be a mapping of fields", field: path.isEmpty ? nil : path)
        }
        fields = map
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func take(_ key: String) -> Any? {
        fields.removeValue(forKey: key)
    }

    mutating func string(_ key: String) throws -> String? {
        guard let value = take(key) else { return nil }
        if let text = value as? String { return text }
        if value is Int || value is Double { return "\(value)" }
        throw FleetError(.invalidField, "must be a string", field: name(key))
    }

    mutating func strings(_ key: String) throws -> [String]? {
        guard let value = take(key) else { return nil }
        guard let list = value as? [Any], let strings = list as? [String] else {
            throw FleetError(.invalidField, "must be a list of strings", field: name(key))
        }
        return strings
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = take(key) else { return nil }
        guard let flag = value as? Bool else { throw FleetError(.invalidField, "must be true or false", field: name(key)) }
        return flag
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let value = take(key) else { return nil }
        guard let number = value as? Int else { throw FleetError(.invalidField, "must be a whole number", field: name(key)) }
        return number
    }

    mutating func number(_ key: String) throws -> Double? {
        guard let value = take(key) else { return nil }
        if let number = value as? Int { return Double(number) }
        guard let number = value as? Double else { throw FleetError(.invalidField, "must be a number", field: name(key)) }
        return number
    }

    /// Throws for the first field nobody read.
    func finish() throws {
        if let key = fields.keys.sorted().first {
            throw FleetError(.unknownField, "unknown field '\(key)'", field: name(key))
        }
    }
}
