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
///
/// Checkpoints are rare on purpose. Each one ends in fsyncs, and an fsync slows the whole
/// machine for a few milliseconds, not just this thread (another process's fsync of 1 MB every
/// 100 ms raised the hub's round-trip p99 by a third). Once every 100 ms, they delayed about 1 %
/// of round trips; once a second, or sooner when many writes have piled up, they stay out of
/// the 99th percentile.
final class WALCheckpointer: Sendable {
    /// The writer checkpoints by itself only past this many WAL pages (about 40 MB).
    static let backstopPages = 10_000

    private struct State {
        /// Row writes committed since the last checkpoint began.
        var writes = 0
        var timerPending = false
        var earlyPending = false
    }

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "flotilla.sqlite.checkpoint")
    private let state = Mutex(State())
    /// How long commits accumulate before a checkpoint copies them.
    let interval: Double
    /// Row writes after which a checkpoint runs without waiting out ``interval``: under load
    /// the WAL would otherwise reach ``backstopPages`` within the interval.
    let writesBeforeCheckpoint: Int

    init(path: String, interval: Double, writesBeforeCheckpoint: Int) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        self.writesBeforeCheckpoint = writesBeforeCheckpoint
    }

    /// Called after each commit of `writes` row writes: schedules a checkpoint.
    func committed(writes: Int) {
        enum Schedule { case none, now, later }
        let schedule = state.withLock { state -> Schedule in
            state.writes += writes
            if state.writes >= writesBeforeCheckpoint && !state.earlyPending {
                state.earlyPending = true
                return .now
            }
            if state.timerPending { return .none }
            state.timerPending = true
            return .later
        }
        switch schedule {
        case .none:
            break
        case .now:
            queue.async { [self] in
                state.withLock { $0.earlyPending = false }
                checkpoint()
            }
        case .later:
            queue.asyncAfter(deadline: .now() + interval) { [self] in
                let due = state.withLock { state in
                    state.timerPending = false
                    return state.writes > 0
                }
                if due { checkpoint() }
            }
        }
    }

    private func checkpoint() {
        state.withLock { $0.writes = 0 }
        // Passive: copies what no reader still needs, never blocks the writer; what it leaves
        // behind the next one takes.
        _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }
}
