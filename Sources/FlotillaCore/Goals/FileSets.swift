/// Conflict prediction between plan steps: whether the files and folders two steps declare
/// (`files` of a ``GoalPlanStep``) may name a common file. An entry is a path (a file, or a
/// folder meaning everything under it: `Sources/Core` covers `Sources/Core/A.swift`) or a
/// ``PathGlob``, which names what it matches (`docs/*.md`; `src/**` for a whole folder); `.` is
/// the whole repository. The answer errs on
/// the side of "overlap" when two globs cannot be told apart cheaply: running two steps one
/// after the other costs time, a merge conflict costs a fix step.
public enum FileSets {
    /// Two entries, one from each set, that may name a common file.
    public struct Overlap: Sendable, Hashable, CustomStringConvertible {
        public var a: String
        public var b: String
        public var description: String { a == b ? a : "\(a) ∩ \(b)" }
    }

    /// Every pair of entries of `a` and `b` that may overlap, in order; empty: the steps may run
    /// at the same time. An empty set (nothing declared) overlaps nothing here: what undeclared
    /// means is the scheduler's decision.
    public static func overlap(_ a: [String], _ b: [String]) -> [Overlap] {
        let left = a.map(entry)
        let right = b.map(entry)
        var out: [Overlap] = []
        for (x, globX) in zip(a, left) {
            for (y, globY) in zip(b, right) where meet(globX, globY) {
                out.append(Overlap(a: x, b: y))
            }
        }
        return out
    }

    /// Whether two entries may name a common file.
    public static func overlaps(_ a: String, _ b: String) -> Bool { meet(entry(a), entry(b)) }

    /// An entry as a glob: with wildcards it is one (a bad one is taken literally), otherwise
    /// the path.
    static func entry(_ text: String) -> PathGlob {
        if text.contains(where: { "*?[{".contains($0) }), let glob = try? PathGlob(text) { return glob }
        return PathGlob(literal: text)
    }

    static func meet(_ a: PathGlob, _ b: PathGlob) -> Bool {
        a.alternatives.contains { x in
            b.alternatives.contains { y in
                var meeting = Meeting(x, y)
                return meeting.run()
            }
        }
    }

    /// Whether two segment lists can match one path, or one a folder holding the other's match.
    private struct Meeting {
        let a: [GlobSegment]
        let b: [GlobSegment]
        var memo: [Int: Bool] = [:]

        init(_ a: [GlobSegment], _ b: [GlobSegment]) {
            self.a = a
            self.b = b
        }

        mutating func run() -> Bool { meet(0, 0) }

        private mutating func meet(_ i: Int, _ j: Int) -> Bool {
            // One ran out: a path names a folder holding what the other matches; a glob only
            // what it matches, so the other must be able to stop here (only `**` left).
            if i == a.count && j == b.count { return true }
            if i == a.count { return PathGlob.isLiteral(a) || b[j...].allSatisfy { $0 == .anyDepth } }
            if j == b.count { return PathGlob.isLiteral(b) || a[i...].allSatisfy { $0 == .anyDepth } }
            let key = i * (b.count + 1) + j
            if let known = memo[key] { return known }
            let result: Bool
            if a[i] == .anyDepth {
                result = meet(i + 1, j) || meet(i, j + 1)
            } else if b[j] == .anyDepth {
                result = meet(i, j + 1) || meet(i + 1, j)
            } else {
                result = Self.intersect(a[i], b[j]) && meet(i + 1, j + 1)
            }
            memo[key] = result
            return result
        }

        /// Whether two components can name the same file or folder.
        static func intersect(_ x: GlobSegment, _ y: GlobSegment) -> Bool {
            switch (x, y) {
            case (.literal(let p), .literal(let q)): return p == q
            case (.literal(let p), _): return y.matches(p)
            case (_, .literal(let q)): return x.matches(q)
            default:
                // Two wildcards: compatible fixed ends (one a prefix / suffix of the other).
                let (px, sx) = x.fixedEnds
                let (py, sy) = y.fixedEnds
                let prefixes = px.starts(with: py) || py.starts(with: px)
                let suffixes = sx.reversed().starts(with: sy.reversed()) || sy.reversed().starts(with: sx.reversed())
                return prefixes && suffixes
            }
        }
    }
}
