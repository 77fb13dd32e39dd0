import FlotillaCore
import Synchronization

/// The goals the engine holds in memory: every goal not final at start, and each goal changed
/// since. A change checks its move and writes it here under the scheduler's lock (the one
/// mutate path), so two changes to a goal are decided one after the other, never both from the
/// same state.
final class GoalBook: Sendable {
    let records: Mutex<[String: GoalRecord]>

    init(_ goals: [GoalRecord]) {
        records = Mutex(Dictionary(goals.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
    }

    subscript(id: String) -> GoalRecord? { records.withLock { $0[id] } }

    /// Adds a goal read from the store unless memory already has a newer one.
    func adopt(_ goal: GoalRecord) {
        records.withLock { book in
            if book[goal.id] == nil { book[goal.id] = goal }
        }
    }

    /// Applies `change` to memory's goal (nil: none) and keeps its result; returns both.
    func change(id: String, now: Double, _ change: (GoalRecord?, Double) throws -> GoalRecord) throws -> (before: GoalRecord?, after: GoalRecord) {
        let outcome: Result<(GoalRecord?, GoalRecord), any Error> = records.withLock { book in
            let before = book[id]
            do {
                let after = try change(before, now)
                book[id] = after
                return .success((before, after))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    func forget(_ id: String) {
        _ = records.withLock { $0.removeValue(forKey: id) }
    }

    /// Forgets these goals (retention deleted their rows) unless memory's version is not final:
    /// one retried meanwhile is alive again, and its next commit writes its row back.
    func forgetFinal(_ ids: [String]) {
        guard !ids.isEmpty else { return }
        records.withLock { book in
            for id in ids where book[id]?.state.isFinal == true { book.removeValue(forKey: id) }
        }
    }

    /// Goals not final, in backlog order: priority (higher first), then oldest first.
    func active() -> [GoalRecord] {
        records.withLock { book in
            book.values.filter { !$0.state.isFinal }.sorted {
                ($0.priority, -$0.createdAt, $0.id) > ($1.priority, -$1.createdAt, $1.id)
            }
        }
    }
}
