import FlotillaClient
import Foundation

extension ClientOptions {
    /// One round of a long poll that outlives a hub restart (`submit --wait`, `workflow run
    /// --wait`): an answer the hub gives (an unknown id, a refused token) ends the wait, reported
    /// as every command reports it; a lost hub is retried with backoff, as `watch` does. Returns
    /// nil after such a pause (the caller polls again), else what `fetch` got.
    func pollRound<Value>(
        _ command: String, waitingFor what: String, failures: inout Int, deadline: Date,
        _ fetch: () async throws -> Value
    ) async throws -> Value? {
        do {
            let value = try await fetch()
            failures = 0
            return value
        } catch let error as HubClient.Failure where error.status != 503 {
            throw ClientOptions.report(error, hubURL: resolvedURL, tokenSource: tokenLookup.source)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            failures += 1
            let delay = min(5.0, 0.25 * Double(1 << min(failures, 5)), max(0, deadline.timeIntervalSinceNow))
            Console.printError("\(command): lost the hub at \(resolvedURL) (\(WatchCommand.brief(error))); still waiting for \(what), retrying in \(String(format: "%.1f", delay))s")
            try await _Concurrency.Task.sleep(for: .milliseconds(Int(delay * 1000)))
            return nil
        }
    }
}
