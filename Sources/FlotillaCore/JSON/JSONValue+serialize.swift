import Foundation

extension JSONValue {
    /// Compact JSON text with sorted keys, written by hand because it runs on every event and
    /// envelope and is several times faster than `JSONEncoder` for these small documents.
    public var jsonString: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }

    /// ``jsonString`` as UTF-8 bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    /// Appends the compact JSON text. Bytes, not `String` appends: about twice as fast.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): Self.writeInteger(value, to: &out)
        case .double(let value):
            if value.isFinite {
                if value.rounded() == value, abs(value) < 1e15 {
                    Self.writeInteger(Int64(value), to: &out)
                } else {
                    out.append(contentsOf: String(value).utf8)
                }
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            // Sorting the pairs (not the keys, then looking each up) hashes nothing; byte order
            // is the keys' code-point order.
            let pairs = object.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                pair.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            guard value != .min else { return out.append(contentsOf: String(value).utf8) }
            out.append(UInt8(ascii: "-"))
            return writeInteger(-value, to: &out)
        }
        if value < 10 { return out.append(UInt8(ascii: "0") + UInt8(value)) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for Int64.max's 19 digits
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Appends `string` as a JSON string literal: for writers that lay out a document's
    /// fixed keys themselves instead of building a ``JSONValue`` first.
    public static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs without escapes are copied whole; most strings are one such run.
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case 0x22: out.append(contentsOf: "\\\"".utf8)
                case 0x5C: out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Parses JSON text. Throws ``FlotillaError/malformedJSON(_:)`` with the reason and offset.
    public static func parse(_ data: some Collection<UInt8>) throws(FlotillaError) -> JSONValue {
        let parse = { (bytes: UnsafeBufferPointer<UInt8>) in Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes) } }
        let result = data.withContiguousStorageIfAvailable(parse) ?? Array(data).withUnsafeBufferPointer(parse)
        switch result {
        case .success(let value): return value
        case .failure(let error): throw .malformedJSON("\(error.message) at byte \(error.offset)")
        }
    }

    public static func parse(_ string: String) throws(FlotillaError) -> JSONValue {
        try parse(string.utf8)
    }
}
