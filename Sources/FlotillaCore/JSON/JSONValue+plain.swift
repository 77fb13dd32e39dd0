import Foundation

extension JSONValue {
    /// A value as YAML and Foundation parsers hand it out (`[String: Any]`, `[Any]`, strings,
    /// numbers, booleans, `NSNull`); nil for anything else (a date, a binary blob), so the
    /// caller can name the field.
    public init?(plain value: Any?) {
        switch value {
        case nil, is NSNull: self = .null
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(Int64(number))
        case let number as Double: self = .double(number)
        case let text as String: self = .string(text)
        case let list as [Any]:
            var out: [JSONValue] = []
            for element in list {
                guard let converted = JSONValue(plain: element) else { return nil }
                out.append(converted)
            }
            self = .array(out)
        case let map as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (key, element) in map {
                guard let converted = JSONValue(plain: element) else { return nil }
                out[key] = converted
            }
            self = .object(out)
        default:
            return nil
        }
    }
}
