public import FlotillaCore

/// What a follower of a task's output sees, in order (`?follow=1`'s SSE events).
public enum OutputEvent: Sendable, Hashable {
    /// Output of `attempt`; `offset` is the attempt's byte offset of its first byte.
    case chunk(attempt: Int, offset: Int, text: String)
    /// A new attempt started (a retry); its chunks follow.
    case attempt(Int)
    /// The task is in a final state: nothing more comes.
    case end(attempt: Int?, state: TaskState)
}

/// A task's output as it arrives (``Engine/followOutput(taskID:resume:tail:)``): pulled by its
/// reader, which waits on a wake-up (never a poll) when it has seen everything.
public struct OutputFollow: AsyncSequence, Sendable {
    public typealias Element = OutputEvent

    /// Ends the follow when the last copy goes, and lets a reader end it early.
    final class Handle: Sendable {
        let logs: OutputLogs
        let taskID: String
        let id: Int

        init(logs: OutputLogs, taskID: String, id: Int) {
            self.logs = logs
            self.taskID = taskID
            self.id = id
        }

        func end() { logs.unfollow(taskID: taskID, id: id) }

        deinit { end() }
    }

    let logs: OutputLogs
    let taskID: String
    let record: TaskRecord
    let resume: (attempt: Int, offset: Int)?
    let tail: Int
    let wakes: AsyncStream<Void>
    let handle: Handle

    /// Ends the sequence (a reader that went away, a shutdown): a waiting `next()` returns nil.
    public var end: @Sendable () -> Void { { [handle] in handle.end() } }

    public func makeAsyncIterator() -> Iterator {
        Iterator(follow: self, wakes: wakes.makeAsyncIterator())
    }

    public struct Iterator: AsyncIteratorProtocol {
        let follow: OutputFollow
        var wakes: AsyncStream<Void>.Iterator
        var attempt: Int?
        var offset = 0
        var queued: [OutputEvent] = []
        var finished = false
        /// Most bytes in one chunk.
        let chunkBytes = 32 << 10

        init(follow: OutputFollow, wakes: AsyncStream<Void>.Iterator) {
            self.follow = follow
            self.wakes = wakes
            if let resume = follow.resume {
                attempt = resume.attempt
                offset = resume.offset
            }
        }

        public mutating func next() async -> OutputEvent? {
            while true {
                if !queued.isEmpty { return queued.removeFirst() }
                if finished || _Concurrency.Task.isCancelled { return nil }
                let known = knowledge()
                guard let current = attempt else {
                    if known.latest > 0 {
                        attempt = known.latest
                        offset = await startOffset(of: known.latest)
                    } else if let final = known.final {
                        queued.append(.end(attempt: nil, state: final))
                        finished = true
                    } else if await wakes.next() == nil {
                        return nil
                    }
                    continue
                }
                if let chunk = await read(current) {
                    queued.append(chunk)
                    continue
                }
                if current < known.latest {
                    attempt = known.latest
                    offset = 0
                    queued.append(.attempt(known.latest))
                    continue
                }
                if let final = known.final {
                    queued.append(.end(attempt: current, state: final))
                    finished = true
                    continue
                }
                if await wakes.next() == nil { return nil }
            }
        }

        /// The newest attempt and the final state, from what the hub heard since the follow
        /// began, else from the record read when it began.
        private func knowledge() -> (latest: Int, final: TaskState?) {
            let info = follow.logs.info(taskID: follow.taskID)
            let latest = Swift.max(follow.record.attempt, info?.latestAttempt ?? 0)
            let final: TaskState? = info?.stateKnown == true ? info?.final : (follow.record.state.isFinal ? follow.record.state : nil)
            return (latest, final)
        }

        /// Where a follower with no resume point starts: the kept tail.
        private func startOffset(of attempt: Int) async -> Int {
            if let view = follow.logs.view(taskID: follow.taskID, attempt: attempt) {
                return Swift.max(view.keptStart, view.total - follow.tail)
            }
            guard let path = follow.logs.path(taskID: follow.taskID, attempt: attempt) else { return 0 }
            let size = await follow.logs.writer.read(path, from: nil, count: 0).size
            return Swift.max(0, size - follow.tail)
        }

        /// The next chunk of `attempt` from ``offset``, from memory or else its file; moves the
        /// offset past it. nil when there is nothing new.
        private mutating func read(_ attempt: Int) async -> OutputEvent? {
            let logs = follow.logs
            var bytes: [UInt8]
            if let held = logs.bytes(taskID: follow.taskID, attempt: attempt, from: offset, max: chunkBytes) {
                bytes = held
            } else {
                let view = logs.view(taskID: follow.taskID, attempt: attempt)
                bytes = []
                if let path = logs.path(taskID: follow.taskID, attempt: attempt) {
                    let limit = view.map { Swift.min($0.keptStart, $0.fileBytes) } ?? logs.configuration.fileBytes
                    let count = Swift.min(chunkBytes, Swift.max(0, limit - offset))
                    if count > 0 { bytes = await logs.writer.read(path, from: offset, count: count).bytes }
                }
                if bytes.isEmpty, let view, offset < view.keptStart {
                    // In no file (past its cap, or none kept) and older than memory: lost.
                    let skipped = view.keptStart - offset
                    offset = view.keptStart
                    return .chunk(attempt: attempt, offset: offset, text: "[flotilla: \(skipped) bytes of output were not kept]\n")
                }
            }
            guard !bytes.isEmpty else { return nil }
            let start = offset
            let skip = UTF8Cut.continuationPrefix(bytes)
            let cut = UTF8Cut.incompleteSuffix(bytes[...])
            if skip + cut < bytes.count {
                offset += bytes.count - cut
                return .chunk(attempt: attempt, offset: start + skip, text: String(decoding: bytes[skip..<(bytes.count - cut)], as: UTF8.self))
            }
            offset += bytes.count
            return nil
        }
    }
}
