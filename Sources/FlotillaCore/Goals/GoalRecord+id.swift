extension GoalRecord {
    /// Whether `id` has the shape ``newID()`` makes: `g_` and 16 lowercase hex digits. An id
    /// becomes a path (`<data dir>/goals/<id>`) and a query's key, so anything else is refused
    /// before it reaches either.
    public static func isValidID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return utf8.count == 18 && id.hasPrefix("g_")
            && utf8.dropFirst(2).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
