import Foundation

/// Progress through a markdown task spec: its `- [ ]` and `- [x]` checkboxes. Made only by this
/// module (counting a spec's boxes), with the memberwise init Swift writes.
public struct TaskProgress: Sendable, Hashable, Codable {
    public var done: Int
    public var total: Int

    /// Percent done, 0–100 (0 for a spec without checkboxes).
    public var percent: Int { total == 0 ? 0 : done * 100 / total }

    /// Counts the checkboxes of `markdown` (`-`, `*` or `+` bullets, any indentation, `x` or
    /// `X`); checkboxes inside fenced code blocks do not count.
    public static func parse(_ markdown: String) -> TaskProgress {
        var progress = TaskProgress(done: 0, total: 0)
        var inFence = false
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            guard !inFence, let bullet = line.first, "-*+".contains(bullet) else { continue }
            let rest = line.dropFirst()
            guard rest.hasPrefix(" [") else { continue }
            let box = rest.dropFirst(2)
            guard box.count >= 2, box.dropFirst().first == "]" else { continue }
            switch box.first {
            case " ": progress.total += 1
            case "x", "X": progress.total += 1; progress.done += 1
            default: break
            }
        }
        return progress
    }

    /// Reads and counts the spec at `path`; nil when it cannot be read.
    public static func read(path: String) -> TaskProgress? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parse(text)
    }
}
