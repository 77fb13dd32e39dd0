import FlotillaCore
import Foundation

extension FleetFile {
    /// An `env:` block: a map of names to scalar values (numbers and booleans as written).
    static func readEnvironment(_ value: Any?, field: String) throws -> [String: String] {
        guard let value else { return [:] }
        guard let map = value as? [String: Any] else { throw FleetError(.invalidField, "must be a map of names to values", field: field) }
        var environment: [String: String] = [:]
        for (name, value) in map {
            guard isVariableName(name) else { throw FleetError(.invalidField, "'\(name)' is not a variable name (letters, digits, _)", field: "\(field).\(name)") }
            guard value is String || value is Int || value is Double || value is Bool else {
                throw FleetError(.invalidField, "must be a string, number or boolean", field: "\(field).\(name)")
            }
            environment[name] = "\(value)"
        }
        return environment
    }

    /// Reads an env file: `KEY=VALUE` lines; blank lines and `#` comments are skipped, an
    /// `export ` prefix is allowed, and a value in matching single or double quotes is unquoted.
    static func readEnvFile(_ path: String, field: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FleetError(.fileNotFound, "cannot read the env file \(path)", field: field)
        }
        return try parseEnvFile(text, field: field)
    }

    static func parseEnvFile(_ text: String, field: String) throws -> [String: String] {
        var environment: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw FleetError(.invalidField, "line \(index + 1): expected KEY=VALUE", field: field)
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard isVariableName(name) else {
                throw FleetError(.invalidField, "line \(index + 1): '\(name)' is not a variable name (letters, digits, _)", field: field)
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            environment[name] = value
        }
        return environment
    }

    static func isVariableName(_ name: String) -> Bool {
        name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
    }
}
