/// Writes one JSON object member by member, for hot paths whose fields are known: nothing to
/// build, hash and sort as a dictionary would need.
///
/// Members must come in ascending key order (UTF-8 byte order), the order ``JSONValue`` writes
/// objects in, so both paths give the same text. Debug builds check the order.
struct JSONObjectWriter {
    private var out: [UInt8] = []
    private var empty = true
    #if DEBUG
    private var lastKey: [UInt8]?
    #endif

    /// Starts an object at the end of `buffer`, which the writer holds until ``finish(into:)``.
    init(appendingTo buffer: inout [UInt8]) {
        swap(&out, &buffer)
        out.append(UInt8(ascii: "{"))
    }

    /// Closes the object and hands the buffer back.
    mutating func finish(into buffer: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        swap(&out, &buffer)
    }

    private mutating func key(_ key: StaticString) {
        let bytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        #if DEBUG
        if let lastKey { assert(lastKey.lexicographicallyPrecedes(bytes), "JSON members out of order: \(key) after \(String(decoding: lastKey, as: UTF8.self))") }
        lastKey = Array(bytes)
        #endif
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: bytes)
        out.append(contentsOf: #"":"#.utf8)
    }

    mutating func member(_ name: StaticString, _ value: JSONValue) {
        key(name)
        value.write(to: &out)
    }

    /// A string member; `nil` is written as `null`.
    mutating func member(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONValue.writeString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        JSONValue.writeInteger(Int64(value), to: &out)
    }

    /// A time as RFC 3339 text; `nil` is written as `null`.
    mutating func member(_ name: StaticString, timestamp: Double?) {
        member(name, timestamp.map(Timestamp.iso8601))
    }

    /// Writes a member only when it has a value (the optional fields of a spec).
    mutating func memberIfPresent(_ name: StaticString, _ value: JSONValue?) {
        if let value { member(name, value) }
    }
}
