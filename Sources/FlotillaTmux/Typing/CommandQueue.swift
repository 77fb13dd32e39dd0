import Foundation

/// The command queue of a fleet: per pane, commands run one at a time in the order they were
/// queued, at most ``TypingConfiguration/ratePerPane`` per second, each retried (up to
/// ``TypingConfiguration/retries`` times, exponential backoff) and recorded in the audit trail.
public final class CommandQueue: Sendable {
    public let typer: SafeTyper
    public let audit: CommandAudit
    private let gate = SerialGate()
    private let limiter: RateLimiter
    private let onRecord: @Sendable (CommandRecord) -> Void

    /// - Parameter onRecord: called with every finished command (sent or failed), e.g. to publish
    ///   `command_sent` / `command_failed` events.
    public init(typer: SafeTyper, audit: CommandAudit = CommandAudit(), onRecord: @escaping @Sendable (CommandRecord) -> Void = { _ in }) {
        self.typer = typer
        self.audit = audit
        self.limiter = RateLimiter(perSecond: typer.configuration.ratePerPane)
        self.onRecord = onRecord
    }

    /// Queues `text` for `agent`'s `pane` and returns its record once it was sent or finally
    /// failed. Never throws for a typing failure: the record says what happened.
    /// - Parameter id: the record's id when the caller took one from the audit already (to
    ///   answer before the command ran); default: a fresh one.
    @discardableResult
    public func send(_ text: String, to pane: String, agent: String, classifier: ScreenClassifier, force: Bool = false, id: Int? = nil) async throws -> CommandRecord {
        let queuedAt = Date().timeIntervalSince1970
        var record = CommandRecord(
            id: id ?? audit.nextID(), agent: agent, pane: pane, text: text, forced: force, outcome: .failed,
            method: nil, attempts: 0, enterPresses: 0, errorCode: nil, errorMessage: nil, queuedAt: queuedAt, finishedAt: queuedAt
        )
        let configuration = typer.configuration
        let finished = try await gate.run(pane) { () async throws -> CommandRecord in
            var record = record
            var typed = false
            for attempt in 0...max(0, configuration.retries) {
                if attempt > 0 {
                    try await Task.sleep(for: configuration.retryBackoff * (1 << (attempt - 1)))
                }
                try await limiter.acquire(pane)
                record.attempts = attempt + 1
                do {
                    let outcome = try await typer.type(text, into: pane, classifier: classifier, force: force, skipTyping: typed)
                    record.outcome = .sent
                    record.method = outcome.method
                    record.enterPresses += outcome.enterPresses
                    record.errorCode = nil
                    record.errorMessage = nil
                    break
                } catch let error as TmuxError {
                    record.errorCode = error.code.rawValue
                    record.errorMessage = error.message
                    // The text reached the input box but was not submitted: the retry only
                    // presses Enter, so it can never arrive twice.
                    if error.code == .notSubmitted {
                        typed = true
                        record.enterPresses += configuration.maxEnterPresses
                    }
                    if error.code == .paneNotFound || error.code == .agentBusy { break }
                }
            }
            record.finishedAt = Date().timeIntervalSince1970
            return record
        }
        record = finished
        audit.append(record)
        onRecord(record)
        return record
    }
}
