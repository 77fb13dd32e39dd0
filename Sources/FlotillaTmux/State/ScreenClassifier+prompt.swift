import Foundation

extension ScreenClassifier {
    /// The screen's last `tail` non-empty lines, as the rules see them.
    func recentLines(_ screen: String) -> ArraySlice<String> {
        screen.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).replacingOccurrences(of: "\u{00A0}", with: " ") }
            .filter { !$0.trimmingWhitespace().isEmpty }
            .suffix(tail)
    }

    /// The last approval prompt on `screen`, as the lines of its own block: from the nearest
    /// line above the prompt's last line that starts a prompt (`prompt_start`: a box's top
    /// border, a rule line, the question), or at most `prompt_lines` lines up, to the end of the
    /// screen. nil when no line shows a prompt.
    ///
    /// Auto-approve patterns are matched against this region only: an allowed string in
    /// earlier output (an older command, a file the agent printed) must not approve an
    /// unrelated prompt below it.
    public func promptRegion(_ screen: String) -> String? {
        let lines = Array(recentLines(screen))
        let waiting = compiled.rules.filter { $0.state == .waitingInput }
        func showsPrompt(_ line: String) -> Bool {
            let range = NSRange(line.startIndex..., in: line)
            return waiting.contains { rule in
                (rule.any + rule.all).contains { $0.firstMatch(in: line, range: range) != nil }
            }
        }
        guard let last = lines.lastIndex(where: showsPrompt) else { return nil }
        let highest = max(lines.startIndex, last - promptLines + 1)
        var first = highest
        if let start = compiled.promptStart {
            for index in stride(from: last, through: highest, by: -1) {
                let line = lines[index]
                if start.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
                    first = index
                    break
                }
            }
        }
        return lines[first...].joined(separator: "\n")
    }
}
