import Foundation

extension JSONValue {
    /// Compact JSON text with sorted keys, written by hand because it runs on every event and
    /// envelope and is several times faster than `JSONEncoder` for these small documents.
    public var jsonString: String {
        var out = ""
        out.reserveCapacity(128)
        self.write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value):
            if value.isFinite {
                if value.rounded() == value, abs(value) < 1e15 {
                    out += String(Int64(value))
                } else {
                    out += String(value)
                }
            } else {
                out += "null"
            }
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out += "["
            var first = true
            for value in values {
                if !first { out += "," }
                first = false
                value.write(to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            var first = true
            for key in object.keys.sorted() {
                if !first { out += "," }
                first = false
                Self.writeString(key, to: &out)
                out += ":"
                object[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ string: String, to out: inout String) {
        out += "\""
        var needsEscape = false
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += string
            out += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Parses JSON text. Throws ``FlotillaError/malformedJSON(_:)`` with the reason and offset.
    public static func parse(_ data: some Collection<UInt8>) throws(FlotillaError) -> JSONValue {
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw .malformedJSON("\(error.message) at byte \(error.offset)")
        }
    }

    public static func parse(_ string: String) throws(FlotillaError) -> JSONValue {
        try parse(Array(string.utf8))
    }
}
