import Foundation
import Synchronization

/// The audit trail: every command typed into a pane and its outcome, kept in memory (the latest
/// `capacity`) and, when a path is given, appended to a JSON-lines file.
public final class CommandAudit: Sendable {
    private struct State {
        var records: [CommandRecord] = []
        var nextID = 1
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let path: String?
    /// The file is rotated (``LogRotation``) when it reaches this size.
    private let maxBytes: Int

    /// - Parameters:
    ///   - capacity: how many records to keep in memory (the newest). Default 10,000.
    ///   - path: a JSON-lines file every record is appended to; nil keeps the trail in memory only.
    ///   - resume: read the records `path` (and its last rotated generation) already holds, so
    ///     the trail and its ids carry on across restarts of a long-lived owner (the hub).
    ///   - maxBytes: the file's size at which it is rotated to `path.1` (3 generations kept).
    public init(capacity: Int = 10_000, path: String? = nil, resume: Bool = false, maxBytes: Int = LogRotation.defaultMaxBytes) {
        self.capacity = capacity
        self.path = path
        self.maxBytes = maxBytes
        guard resume, let path else { return }
        let text = [path + ".1", path].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
        let decoder = JSONDecoder()
        let old = text.split(separator: "\n").compactMap { try? decoder.decode(CommandRecord.self, from: Data($0.utf8)) }
        state.withLock { state in
            state.records = Array(old.suffix(capacity))
            state.nextID = (old.map(\.id).max() ?? 0) + 1
        }
    }

    /// A fresh command id.
    public func nextID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Records a finished command (``CommandQueue`` does this for every command it ran).
    public func append(_ record: CommandRecord) {
        state.withLock { state in
            state.records.append(record)
            if state.records.count > capacity { state.records.removeFirst(state.records.count - capacity) }
        }
        guard let path, let data = try? JSONEncoder().encode(record) else { return }
        LogRotation.rotate(path, maxBytes: maxBytes)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data + Data("\n".utf8))
    }

    /// The recorded commands, oldest first, optionally of one agent only.
    public func records(agent: String? = nil) -> [CommandRecord] {
        state.withLock { state in
            guard let agent else { return state.records }
            return state.records.filter { $0.agent == agent }
        }
    }
}
