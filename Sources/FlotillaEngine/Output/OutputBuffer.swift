/// The last bytes of one attempt's output, with the count of all bytes ever appended, so a
/// reader's offset can be placed: `[keptStart, total)` is held.
///
/// The array is compacted only when it holds twice the limit, so appending stays amortised
/// O(1) and memory stays under two limits.
struct OutputBuffer: Sendable {
    let limit: Int
    private var bytes: [UInt8] = []
    /// Bytes ever appended: the offset just past the newest byte.
    private(set) var total = 0

    /// - Parameter total: the offset of the first byte to come (a log picked up mid-attempt).
    init(limit: Int, total: Int = 0) {
        self.limit = limit
        self.total = total
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
        total += chunk.count
        if bytes.count >= 2 * limit { bytes.removeFirst(bytes.count - limit) }
    }

    /// The offset of the oldest byte readers are given.
    var keptStart: Int { total - min(bytes.count, limit) }

    /// Bytes from `offset` on (at most `max`), or nil when `offset` is older than what is kept.
    func bytes(from offset: Int, max count: Int) -> ArraySlice<UInt8>? {
        guard offset >= keptStart else { return nil }
        let start = bytes.count - (total - min(offset, total))
        return bytes[start..<min(bytes.count, start + count)]
    }

    /// The kept bytes in memory, as held (for memory accounting in tests).
    var heldBytes: Int { bytes.count }
}
