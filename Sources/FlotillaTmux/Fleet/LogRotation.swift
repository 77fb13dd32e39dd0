import Foundation

/// Size-based rotation of the files Flotilla appends to for as long as it runs: the command
/// audit trail (`commands.jsonl`) and the panes' output logs (`pipe-pane`). A file that reaches
/// `maxBytes` becomes `NAME.1` (the older `NAME.1` becomes `NAME.2`, and so on, `keep` in all).
public enum LogRotation {
    /// 10 MiB per file.
    public static let defaultMaxBytes = 10 << 20
    /// Rotated generations kept beside the live file.
    public static let defaultKeep = 3

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Moves `path` to `path.1` (shifting older generations) once it holds `maxBytes` or more;
    /// for files the writer reopens for each append. Returns whether it rotated.
    @discardableResult
    public static func rotate(_ path: String, maxBytes: Int = defaultMaxBytes, keep: Int = defaultKeep) -> Bool {
        guard size(path) >= maxBytes else { return false }
        shiftGenerations(path, keep: keep)
        return (try? FileManager.default.moveItem(atPath: path, toPath: path + ".1")) != nil
    }

    /// Copies `path` to `path.1` and empties it in place once it holds `maxBytes` or more; for
    /// files another process keeps open in append mode (tmux's `pipe-pane 'cat >> LOG'`), whose
    /// next write then lands at the start of the emptied file. Output written between the copy
    /// and the truncation is lost (a few lines at most). Returns whether it rotated.
    @discardableResult
    public static func copyTruncate(_ path: String, maxBytes: Int = defaultMaxBytes, keep: Int = defaultKeep) -> Bool {
        guard size(path) >= maxBytes else { return false }
        shiftGenerations(path, keep: keep)
        guard (try? FileManager.default.copyItem(atPath: path, toPath: path + ".1")) != nil,
              let handle = FileHandle(forWritingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        return (try? handle.truncate(atOffset: 0)) != nil
    }

    private static func shiftGenerations(_ path: String, keep: Int) {
        let manager = FileManager.default
        try? manager.removeItem(atPath: "\(path).\(max(1, keep))")
        for generation in stride(from: max(1, keep) - 1, through: 1, by: -1) where manager.fileExists(atPath: "\(path).\(generation)") {
            try? manager.moveItem(atPath: "\(path).\(generation)", toPath: "\(path).\(generation + 1)")
        }
    }
}
