import Foundation

extension JSONValue {
    /// A document a YAML or Foundation JSON parser returned (`Yams.load`): strings, numbers,
    /// booleans, null (`NSNull`, nil), lists and string-keyed mappings; nil for anything else
    /// (a date, binary data, a mapping with a non-string key), so a caller can refuse it.
    public init?(plain value: Any?) {
        switch value {
        case nil, is NSNull: self = .null
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .int(Int64(int))
        case let int as Int64: self = .int(int)
        case let double as Double: self = .double(double)
        case let string as String: self = .string(string)
        case let list as [Any]:
            var out: [JSONValue] = []
            out.reserveCapacity(list.count)
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
        case let map as [AnyHashable: Any]:
            var out: [String: JSONValue] = [:]
            for (key, element) in map {
                guard let key = key.base as? String, let converted = JSONValue(plain: element) else { return nil }
                out[key] = converted
            }
            self = .object(out)
        default:
            return nil
        }
    }
}
