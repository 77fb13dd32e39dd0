public import NIOCore

/// Runs Swift tasks on a NIO event loop, for `withTaskExecutorPreference`.
///
/// A task that publishes and waits for each acknowledgement otherwise crosses threads twice per
/// message: the acknowledgement, read on the event loop, resumes it on the cooperative pool, and
/// its next publish wakes the event loop again. Preferring the client's loop (the MQTT client's
/// `taskExecutor`) keeps the whole exchange on one thread; the hub pins each connection's task
/// to its loop the same way. The loop must outlive the tasks that prefer it: a job enqueued on a
/// loop that has shut down never runs.
///
/// A target of its own (it depends on NIOCore alone) so that the MQTT client, the hub and the
/// benchmark share it without importing one another.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
