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

    public init(capacity: Int = 10_000, path: String? = nil) {
        self.capacity = capacity
        self.path = path
    }

    /// A fresh command id.
    func nextID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    func append(_ record: CommandRecord) {
        state.withLock { state in
            state.records.append(record)
            if state.records.count > capacity { state.records.removeFirst(state.records.count - capacity) }
        }
        guard let path, let data = try? JSONEncoder().encode(record) else { return }
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
