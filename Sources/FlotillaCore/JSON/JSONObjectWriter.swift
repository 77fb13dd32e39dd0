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

    private mutating func key(_ name: StaticString) {
        writeKey(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    @inline(__always)
    private mutating func checkOrder(_ bytes: some Collection<UInt8>) {
        #if DEBUG
        if let lastKey { assert(lastKey.lexicographicallyPrecedes(bytes), "JSON members out of order: \(String(decoding: bytes, as: UTF8.self)) after \(String(decoding: lastKey, as: UTF8.self))") }
        lastKey = Array(bytes)
        #endif
    }

    /// A member named by a wire shape's field enum (its raw value is the name on the wire, written
    /// as is: field names are plain ASCII and need no escaping).
    private mutating func key(_ field: some RawRepresentable<String>) {
        var name = field.rawValue
        name.withUTF8 { writeKey($0) }
    }

    /// Writes `"name":` (after a comma unless it is the first member); `name` is already JSON.
    @inline(__always)
    private mutating func writeKey(_ name: UnsafeBufferPointer<UInt8>) {
        checkOrder(name)
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: name)
        out.append(contentsOf: #"":"#.utf8)
    }

    mutating func member(_ field: some RawRepresentable<String>, _ value: JSONValue) {
        key(field)
        value.write(to: &out)
    }

    mutating func member(_ field: some RawRepresentable<String>, writing value: (inout [UInt8]) -> Void) {
        key(field)
        value(&out)
    }

    mutating func member(_ field: some RawRepresentable<String>, _ value: String?) {
        key(field)
        if let value { JSONValue.writeString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    mutating func member(_ field: some RawRepresentable<String>, _ value: Int) {
        key(field)
        JSONValue.writeInteger(Int64(value), to: &out)
    }

    mutating func member(_ field: some RawRepresentable<String>, timestamp: Double?) {
        member(field, timestamp.map(Timestamp.iso8601))
    }

    mutating func memberIfPresent(_ field: some RawRepresentable<String>, _ value: JSONValue?) {
        if let value { member(field, value) }
    }

    /// A member whose name is not known in advance (escaped as any string is).
    mutating func member(dynamicKey name: String, _ value: JSONValue) {
        checkOrder(name.utf8)
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        JSONValue.writeString(name, to: &out)
        out.append(UInt8(ascii: ":"))
        value.write(to: &out)
    }

    /// Whether `name` sorts before `bound` in the writer's member order.
    static func precedes(_ name: String, _ bound: StaticString) -> Bool {
        name.utf8.lexicographicallyPrecedes(UnsafeBufferPointer(start: bound.utf8Start, count: bound.utf8CodeUnitCount))
    }

    mutating func member(_ name: StaticString, _ value: JSONValue) {
        key(name)
        value.write(to: &out)
    }

    /// A member whose value the caller writes: typed values, written without a ``JSONValue``.
    mutating func member(_ name: StaticString, writing value: (inout [UInt8]) -> Void) {
        key(name)
        value(&out)
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
