/// The configuration's field readers: each error names its field in full.
extension NotificationConfiguration {
    static func path(_ field: String?, _ key: String) -> String {
        field.map { "\($0).\(key)" } ?? key
    }

    static func object(_ value: JSONValue, field: String?, what: String) throws(FlotillaError) -> [String: JSONValue] {
        guard let object = value.objectValue else {
            throw FlotillaError(.invalidField, "\(what) must be an object (a mapping), got \(value.typeName).", field: field)
        }
        return object
    }

    static func refuseUnknown(_ object: [String: JSONValue], allowed: Set<String>, field: String?) throws(FlotillaError) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw FlotillaError(.unknownField, "Unknown key '\(key)' (allowed: \(allowed.sorted().joined(separator: ", "))).", field: path(field, key))
        }
    }

    static func string(_ object: [String: JSONValue], _ key: String, field: String?, required: Bool = false) throws(FlotillaError) -> String? {
        guard let value = object[key], !value.isNull else {
            if required { throw FlotillaError(.missingField, "'\(key)' is required.", field: path(field, key)) }
            return nil
        }
        guard let text = value.stringValue else {
            throw FlotillaError(.invalidField, "'\(key)' must be a string, got \(value.typeName).", field: path(field, key))
        }
        return text
    }

    /// A string or a list of strings (a filter's `role: tester` or `role: [tester, coder]`).
    static func strings(_ value: JSONValue?, field: String, required: Bool = false) throws(FlotillaError) -> [String] {
        guard let value, !value.isNull else {
            if required { throw FlotillaError(.missingField, "'\(field)' is required.", field: field) }
            return []
        }
        if let one = value.stringValue { return [one] }
        guard let list = value.arrayValue else {
            throw FlotillaError(.invalidField, "Must be a string or a list of strings, got \(value.typeName).", field: field)
        }
        var out: [String] = []
        for (index, element) in list.enumerated() {
            guard let text = element.stringValue, !text.isEmpty else {
                throw FlotillaError(.invalidField, "Must be a non-empty string, got \(element.typeName).", field: "\(field)[\(index)]")
            }
            out.append(text)
        }
        return out
    }

    /// Seconds: a number, or a string `N` + `ms|s|m|h` (`30s`, `10m`).
    static func seconds(_ value: JSONValue, field: String, range: ClosedRange<Double>) throws(FlotillaError) -> Double {
        var seconds = value.doubleValue
        if seconds == nil, let text = value.stringValue {
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            for (unit, scale) in units where text.hasSuffix(unit) {
                if let amount = Double(text.dropLast(unit.count)) { seconds = amount * scale }
                break
            }
        }
        guard let seconds, seconds.isFinite, range.contains(seconds) else {
            throw FlotillaError(.invalidField, "Must be a duration from \(range.lowerBound) to \(Int(range.upperBound)) seconds (a number, or 500ms, 30s, 10m, 1h), got \(value.jsonString).", field: field)
        }
        return seconds
    }

    /// An absolute http(s) URL with a host and nothing a request line could not carry.
    static func checkURL(_ url: String, field: String) throws(FlotillaError) {
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("https://") ? "https://" : lower.hasPrefix("http://") ? "http://" : nil
        let rest = scheme.map { url.dropFirst($0.count) } ?? ""
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }.split(separator: "@").last.map(String.init) ?? ""
        let hostName = host.hasPrefix("[") ? host : String(host.prefix { $0 != ":" })
        guard scheme != nil, !hostName.isEmpty, !url.contains(where: { $0 == " " || $0.isNewline }) else {
            throw FlotillaError(.invalidField, "Must be an absolute http:// or https:// URL with a host, got '\(url.prefix(200))'.", field: field)
        }
    }
}
