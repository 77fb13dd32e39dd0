import Dispatch
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file on its own connection and thread, so that
/// commits never wait for it.
///
/// Left to SQLite, the commit that pushes the WAL past 1,000 pages runs the checkpoint itself,
/// fsyncs included: every hundredth round trip or so took several milliseconds longer. A
/// passive checkpoint here runs beside the writer instead; the writer's own automatic checkpoint
/// stays as a distant backstop (``backstopPages``) should these ever fall behind.
final class WALCheckpointer: Sendable {
    /// The writer checkpoints by itself only past this many WAL pages (about 40 MB).
    static let backstopPages = 10_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "flotilla.sqlite.checkpoint")
    private let scheduled = Atomic<Bool>(false)
    /// How long commits accumulate before a checkpoint copies them.
    let interval: DispatchTimeInterval

    init(path: String, interval: DispatchTimeInterval = .milliseconds(100)) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
    }

    /// Called after each commit: schedules one checkpoint, unless one is already scheduled.
    func committed() {
        guard scheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.asyncAfter(deadline: .now() + interval) { [self] in
            scheduled.store(false, ordering: .releasing)
            // Passive: copies what no reader still needs, never blocks the writer; what it
            // leaves behind the next one takes.
            _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        }
    }
}
