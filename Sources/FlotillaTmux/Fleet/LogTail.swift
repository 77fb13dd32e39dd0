import Foundation

/// A pane's log (raw terminal output piped by tmux) as plain text lines.
public enum LogTail {
    /// Terminal output as plain text lines: escape sequences removed, redraws as new lines,
    /// blank lines dropped.
    public static func plainLines(_ data: Data) -> [String] {
        guard !data.isEmpty else { return [] }
        var text = String(decoding: data, as: UTF8.self)
        for pattern in ["\u{1B}\\[[0-9;?]*[ -/]*[@-~]", "\u{1B}\\][^\u{07}\u{1B}]*(\u{07}|\u{1B}\\\\)", "\u{1B}[()][A-Za-z0-9]", "\u{1B}[=>]"] {
            text = text.replacingOccurrences(of: pattern, with: "\n", options: .regularExpression)
        }
        return text.replacingOccurrences(of: "\r", with: "\n").split(separator: "\n")
            .filter { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }

    /// The last `count` plain lines of the log at `path` (reads at most its last 16 KiB).
    public static func last(_ count: Int, of path: String) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 16_384 ? size - 16_384 : 0)
        return Array(plainLines(handle.readDataToEndOfFile()).suffix(count))
    }
}
