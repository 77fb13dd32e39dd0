/// One `/`-separated component of a ``PathGlob``.
enum GlobSegment: Sendable, Hashable {
    /// `**`: any number of components.
    case anyDepth
    /// A component without wildcards.
    case literal([Character])
    /// A component with `*`, `?` or `[…]`.
    case wildcard([GlobToken], caseInsensitive: Bool)

    /// nil when a `[` is not closed.
    init?(_ text: Substring, caseInsensitive: Bool) {
        if text == "**" {
            self = .anyDepth
            return
        }
        let characters = Array(text)
        var tokens: [GlobToken] = []
        var index = 0
        var wild = false
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                wild = true
                if tokens.last != .star { tokens.append(.star) }
                index += 1
            case "?":
                wild = true
                tokens.append(.one)
                index += 1
            case "[":
                guard let (set, next) = GlobToken.parseSet(characters, from: index) else { return nil }
                wild = true
                tokens.append(set)
                index = next
            default:
                tokens.append(.character(character))
                index += 1
            }
        }
        if !wild, !caseInsensitive {
            self = .literal(characters)
        } else {
            self = .wildcard(tokens, caseInsensitive: caseInsensitive)
        }
    }

    func matches(_ component: [Character]) -> Bool {
        switch self {
        case .anyDepth: return true
        case .literal(let characters): return characters == component
        case .wildcard(let tokens, let caseInsensitive):
            return GlobToken.match(tokens, caseInsensitive ? component.map(GlobToken.fold) : component, caseInsensitive: caseInsensitive)
        }
    }

    /// The characters a match must start and end with (before the first and after the last
    /// wildcard): two wildcard components whose fixed ends disagree share no name.
    var fixedEnds: (prefix: [Character], suffix: [Character]) {
        switch self {
        case .anyDepth: return ([], [])
        case .literal(let characters): return (characters, characters)
        case .wildcard(let tokens, _):
            let prefix = tokens.prefix { if case .character = $0 { true } else { false } }.compactMap(\.character)
            let suffix = tokens.reversed().prefix { if case .character = $0 { true } else { false } }.compactMap(\.character).reversed()
            return (prefix, Array(suffix))
        }
    }
}

/// A piece of a wildcard component.
enum GlobToken: Sendable, Hashable {
    case character(Character)
    case star
    case one
    /// `[…]`: ranges (a single character is a range of one), negated by `!` or `^`.
    case set([ClosedRange<Character>], negated: Bool)

    var character: Character? { if case .character(let c) = self { c } else { nil } }

    static func fold(_ character: Character) -> Character { Character(character.lowercased()) }

    /// The set starting at `characters[start]` (a `[`) and the index after its `]`.
    static func parseSet(_ characters: [Character], from start: Int) -> (GlobToken, Int)? {
        var index = start + 1
        var negated = false
        if index < characters.count, characters[index] == "!" || characters[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while index < characters.count {
            let character = characters[index]
            if character == "]", !first { return (.set(ranges, negated: negated), index + 1) }
            first = false
            if index + 2 < characters.count, characters[index + 1] == "-", characters[index + 2] != "]", character <= characters[index + 2] {
                ranges.append(character...characters[index + 2])
                index += 3
            } else {
                ranges.append(character...character)
                index += 1
            }
        }
        return nil
    }

    /// Classic wildcard matching with backtracking to the last `*`.
    static func match(_ tokens: [GlobToken], _ text: [Character], caseInsensitive: Bool) -> Bool {
        var t = 0, s = 0
        var starToken: Int?, starText = 0
        while s < text.count {
            if t < tokens.count, tokens[t] != .star, accepts(tokens[t], text[s], caseInsensitive: caseInsensitive) {
                t += 1; s += 1
            } else if t < tokens.count, tokens[t] == .star {
                starToken = t; starText = s; t += 1
            } else if let star = starToken {
                t = star + 1; starText += 1; s = starText
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    private static func accepts(_ token: GlobToken, _ character: Character, caseInsensitive: Bool) -> Bool {
        switch token {
        case .character(let expected): return (caseInsensitive ? fold(expected) : expected) == character
        case .one: return character != "/"
        case .star: return true
        case .set(let ranges, let negated):
            let inSet = ranges.contains { $0.contains(character) || (caseInsensitive && ($0.contains(Character(character.uppercased())))) }
            return inSet != negated
        }
    }
}
