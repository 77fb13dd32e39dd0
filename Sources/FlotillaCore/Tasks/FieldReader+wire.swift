extension FieldReader {
    /// A time written as RFC 3339 text (``Timestamp/iso8601(_:)``); nil when absent or null.
    func timestamp(_ name: String) throws(FlotillaError) -> Double? {
        guard let text = try string(name) else { return nil }
        guard let seconds = Timestamp.parse(text) else {
            throw FlotillaError(.invalidField, "'\(name)' must be a time like 2026-11-21T13:20:02.123Z, got '\(text)'.", field: prefix + name)
        }
        return seconds
    }

    /// Any JSON value; nil when absent or null.
    func value(_ name: String) -> JSONValue? {
        guard let value = object[name], !value.isNull else { return nil }
        return value
    }

    /// A number; nil when absent or null.
    func double(_ name: String) throws(FlotillaError) -> Double? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let number = value.doubleValue else {
            throw FlotillaError(.invalidField, "'\(name)' must be a number, got \(value.typeName).", field: prefix + name)
        }
        return number
    }
}
