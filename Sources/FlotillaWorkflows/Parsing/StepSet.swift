/// A set of step indexes below a known count, one bit each.
struct StepSet {
    private var words: [UInt64]

    init(count: Int) {
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    mutating func formUnion(_ other: StepSet) {
        for i in words.indices { words[i] |= other.words[i] }
    }

    /// False for an index out of range (-1 for a step that does not exist).
    func contains(_ index: Int) -> Bool {
        index >= 0 && index >> 6 < words.count && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}
