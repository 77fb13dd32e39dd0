/// "Did you mean" for misspelt names: the closest known name within a small edit distance.
enum Suggestion {
    /// The known name closest to `name` (edit distance counting a swap of neighbours as one
    /// edit, ignoring case), if it is close enough to be a typo: at most 2 edits, and at most
    /// half the name's length.
    static func closest(to name: String, among known: some Collection<String>) -> String? {
        let lowered = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in known.sorted() {
            let distance = Self.distance(lowered, Array(candidate.lowercased()))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= 2, best.distance * 2 <= lowered.count else { return nil }
        return best.name
    }

    /// The " (did you mean 'x'?)" phrase, or empty.
    static func phrase(for name: String, among known: some Collection<String>) -> String {
        closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Optimal string alignment: Levenshtein plus transpositions (`neds` is one from `needs`, `dyr` from `dry`).
        var before = Array(repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
