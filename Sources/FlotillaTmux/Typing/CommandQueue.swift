import FlotillaCore
import Foundation

/// The command queue of a fleet: per pane, commands run one at a time in the order they were
/// queued (forced ones skip the line, see ``send(_:to:agent:classifier:force:id:ticket:)``), at
/// most ``TypingConfiguration/ratePerPane`` per second, each retried (up to
/// ``TypingConfiguration/retries`` times, exponential backoff) and recorded in the audit trail.
public final class CommandQueue: Sendable {
    public let typer: SafeTyper
    public let audit: CommandAudit
    /// Unforced commands take their turn here, in queue order.
    private let order = SerialGate()
    /// Held only while keys go into a pane, so forced commands never interleave with others.
    private let keys = SerialGate()
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
    /// failed. Never throws for a typing failure: the record says what happened; throws
    /// `CancellationError` when cancelled before its first key was typed.
    ///
    /// Unforced commands take their turn in queue order and wait, outside the pane's typing
    /// lock, until the agent is ready for input. A forced command skips both: it only waits for
    /// whatever is being typed into the pane right now to finish, so it is never stuck behind
    /// a queued command waiting for an agent that will not become ready.
    /// - Parameters:
    ///   - id: the record's id when the caller took one from the audit already (to answer
    ///     before the command ran); default: a fresh one.
    ///   - ticket: lets the caller cancel the command until its typing starts.
    @discardableResult
    public func send(
        _ text: String, to pane: String, agent: String, classifier: ScreenClassifier, force: Bool = false, id: Int? = nil,
        ticket: CommandTicket = CommandTicket()
    ) async throws -> CommandRecord {
        let queuedAt = Date().timeIntervalSince1970
        let record = CommandRecord(
            id: id ?? audit.nextID(), agent: agent, pane: pane, text: text, forced: force, outcome: .failed,
            method: nil, attempts: 0, enterPresses: 0, errorCode: nil, errorMessage: nil, queuedAt: queuedAt, finishedAt: queuedAt
        )
        let finished = if force {
            try await attempts(record, classifier: classifier, ticket: ticket)
        } else {
            try await order.run(pane) { try await attempts(record, classifier: classifier, ticket: ticket) }
        }
        audit.append(finished)
        onRecord(finished)
        return finished
    }

    /// Tries to type the command, with retries and backoff; returns its final record.
    private func attempts(_ record: CommandRecord, classifier: ScreenClassifier, ticket: CommandTicket) async throws -> CommandRecord {
        var record = record
        let configuration = typer.configuration
        let deadline = ContinuousClock.now + configuration.readyTimeout
        var typed = false
        for attempt in 0...max(0, configuration.retries) {
            if attempt > 0 {
                try await Task.sleep(for: configuration.retryBackoff * (1 << (attempt - 1)))
            }
            try await limiter.acquire(record.pane)
            record.attempts = attempt + 1
            do {
                let outcome = try await typeOnce(record, classifier: classifier, ticket: ticket, skipTyping: typed, readyBy: deadline)
                record.outcome = .sent
                record.method = outcome.method
                record.enterPresses += outcome.enterPresses
                record.errorCode = nil
                record.errorMessage = nil
                break
            } catch let error as TmuxError {
                // A cancel that lands inside a tmux call surfaces as that call's failure (a
                // pane that seems gone): it is still a cancel, before any key was typed.
                if ticket.current == .cancelled { throw CancellationError() }
                try Task.checkCancellation()
                record.errorCode = error.code.rawValue
                record.errorMessage = error.message
                // The text reached the input box but was not submitted: the retry only
                // presses Enter, so it can never arrive twice.
                if error.code == .notSubmitted {
                    typed = true
                    record.enterPresses += configuration.maxEnterPresses
                }
                if error.code == .paneNotFound || error.code == .agentBusy { break }
                // Waiting for a ready agent used up the whole ready timeout: another attempt
                // would only wait again.
                if error.code == .timedOut && ContinuousClock.now >= deadline { break }
            }
        }
        record.finishedAt = Date().timeIntervalSince1970
        return record
    }

    /// One attempt: wait (unless forced) until the agent is ready, then type under the pane's
    /// typing lock.
    private func typeOnce(
        _ record: CommandRecord, classifier: ScreenClassifier, ticket: CommandTicket, skipTyping: Bool, readyBy deadline: ContinuousClock.Instant
    ) async throws -> SafeTyper.Outcome {
        let pane = record.pane
        if record.forced || skipTyping {
            return try await keys.run(pane) {
                guard ticket.beginTyping() else { throw CancellationError() }
                return try await typer.typeNow(record.text, into: pane, classifier: classifier, ready: nil, skipTyping: skipTyping)
            }
        }
        let configuration = typer.configuration
        while true {
            try await typer.prepare(pane)
            let remaining = deadline - ContinuousClock.now
            _ = try await typer.waitUntilIdle(pane, classifier: classifier, timeout: max(.zero, remaining))
            let outcome = try await keys.run(pane) { () async throws -> SafeTyper.Outcome? in
                // A forced command may have been typed since: look again, briefly, now that
                // nothing else can type into the pane.
                let ready: ScreenClassifier.Reading
                do {
                    ready = try await typer.waitUntilIdle(pane, classifier: classifier, timeout: configuration.settle * 2 + .milliseconds(100))
                } catch let error as TmuxError where error.code == .timedOut {
                    return nil
                }
                guard ticket.beginTyping() else { throw CancellationError() }
                return try await typer.typeNow(record.text, into: pane, classifier: classifier, ready: ready)
            }
            if let outcome { return outcome }
            try Task.checkCancellation()
        }
    }
}
