import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM as a stream, with the default handlers turned off so they do not kill the
/// process: the first drains the agent, the second releases its work at once.
public enum ShutdownSignals {
    public static func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "flotilla.signals")
        // Dispatch sources are thread-safe but not marked Sendable; they are only cancelled, once.
        nonisolated(unsafe) let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        continuation.onTermination = { _ in sources.forEach { $0.cancel() } }
        return stream
    }
}
