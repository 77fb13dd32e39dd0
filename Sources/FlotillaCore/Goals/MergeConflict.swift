/// The conflicting hunks of a file git left with conflict markers after a failed merge, as a
/// fix task's prompt quotes them: both sides of each conflict, with a few lines around it and
/// the line number where it starts, the markers naming the goal branch and the step's branch.
public enum MergeConflict {
    /// The quote for one conflicted file: each conflict block (`<<<<<<<` to `>>>>>>>`) under
    /// `file` and the line where it starts on our side, with `context` lines before and after,
    /// `ours` / `theirs` as the markers' labels. Nil when the text has no conflict block (a file deleted on one side, binary).
    public static func hunks(in text: String, file: String, ours: String, theirs: String, context: Int = 3) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Each block, with the line of the goal branch's file where it starts (markers and the
        // other side's lines do not count there).
        var blocks: [(start: Int, end: Int, oursLine: Int)] = []
        var open: (index: Int, oursLine: Int)?
        var oursLine = 1
        var inTheirs = false
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("<<<<<<<"), open == nil {
                open = (index, oursLine)
            } else if line.hasPrefix(">>>>>>>"), let start = open {
                blocks.append((start.index, index, start.oursLine))
                open = nil
                inTheirs = false
            } else if open != nil, line.hasPrefix("=======") || line.hasPrefix("|||||||") {
                inTheirs = true
            } else if !inTheirs {
                oursLine += 1
            }
        }
        guard !blocks.isEmpty else { return nil }
        var out: [String] = []
        for block in blocks {
            let from = max(0, block.start - context), to = min(lines.count - 1, block.end + context)
            out.append("\(file), line \(block.oursLine) on \(ours):")
            for index in from...to {
                let line = lines[index]
                if index == block.start { out.append("<<<<<<< \(ours)") }
                else if index == block.end { out.append(">>>>>>> \(theirs)") }
                else { out.append(line) }
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// `text` cut to `limit` characters with a note of what was left out (prompts stay bounded).
    public static func bounded(_ text: String, limit: Int = 12_000) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n… (\(text.count - limit) more characters left out)"
    }
}
