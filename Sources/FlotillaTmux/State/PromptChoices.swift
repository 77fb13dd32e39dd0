import FlotillaCore
import Foundation

/// The answers an approval prompt on screen offers, read from the prompt's own lines
/// (``ScreenClassifier/promptRegion(_:)``): a numbered menu as Claude Code, Codex and Gemini draw
/// it (`❯ 1. Yes` / `2. Yes, and don't ask again …` / `3. No, and tell Claude what to do
/// differently (esc)`), or a yes/no question (`(y/n)`, `[y/N]`, aider's `(Y)es/(N)o`).
///
/// A choice's `key` is what is typed to pick it: the digit of a menu line (these menus act on
/// the digit), or `y` / `n`.
public enum PromptChoices {
    /// The choices on `prompt`; empty when it offers none Flotilla can type (then a person
    /// answers in the pane).
    public static func parse(_ prompt: String) -> [ApprovalChoice] {
        let menu = numbered(prompt)
        if menu.count >= 2 { return menu }
        return yesNo(prompt)
    }

    // NSRegularExpression is immutable and thread-safe once built (as in ScreenClassifier).

    /// A menu line: an optional box border and cursor (`❯`, `>`, `›`, `▶`, `●`), a number, `.`
    /// or `)`, the label, an optional right border.
    nonisolated(unsafe) private static let menuLine = try! NSRegularExpression(
        pattern: #"^\s*[│|┃]?\s*(?:[❯>›▶▸→●]\s*)?(\d{1,2})[.)]\s+(.*?)\s*[│|┃]?\s*$"#
    )
    nonisolated(unsafe) private static let yesNoMark = try! NSRegularExpression(
        pattern: #"\((?:y/n|Y/n|y/N|Y/N|yes/no)\)|\[(?:y/n|Y/n|y/N|Y/N|yes/no)\]|\(Y\)es/\(N\)o"#
    )

    /// The last run of menu lines numbered 1, 2, … on the prompt (earlier numbered text, a
    /// list the agent printed, is not the menu).
    static func numbered(_ prompt: String) -> [ApprovalChoice] {
        var runs: [[ApprovalChoice]] = []
        for line in prompt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let range = NSRange(line.startIndex..., in: line)
            guard let match = menuLine.firstMatch(in: line, range: range),
                  let numberRange = Range(match.range(at: 1), in: line), let labelRange = Range(match.range(at: 2), in: line),
                  let number = Int(line[numberRange])
            else { continue }
            let label = String(line[labelRange])
            guard !label.isEmpty else { continue }
            let choice = ApprovalChoice(key: String(number), label: label, allows: allows(label))
            if number == 1 {
                runs.append([choice])
            } else if var run = runs.popLast(), run.count == number - 1 {
                run.append(choice)
                runs.append(run)
            }
        }
        return runs.last ?? []
    }

    static func yesNo(_ prompt: String) -> [ApprovalChoice] {
        guard yesNoMark.firstMatch(in: prompt, range: NSRange(prompt.startIndex..., in: prompt)) != nil else { return [] }
        return [ApprovalChoice(key: "y", label: "Yes", allows: true), ApprovalChoice(key: "n", label: "No", allows: false)]
    }

    /// Whether a menu label means allow: it says yes (`Yes`, `Yes, and don't ask again`,
    /// `Allow once`, `Approve`, `Proceed`, `Always allow`); `No …`, `Deny`, `Reject`, `Cancel`
    /// and anything else do not.
    static func allows(_ label: String) -> Bool {
        let lowered = label.lowercased()
        return ["yes", "allow", "approve", "proceed", "always", "accept", "run"].contains { lowered.hasPrefix($0) }
    }

    /// The choice a decision picks: the one named (`choice`), else the first that allows (or
    /// for a deny, the first that does not); nil when the prompt offers no such answer.
    public static func pick(_ choices: [ApprovalChoice], allow: Bool, choice: String?) -> ApprovalChoice? {
        if let choice, let named = choices.first(where: { $0.key == choice }) { return named }
        return choices.first { $0.allows == allow }
    }
}
