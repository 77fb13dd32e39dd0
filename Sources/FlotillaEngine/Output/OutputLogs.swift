import FlotillaCore
import Foundation
import Synchronization

/// Running attempts' output on the hub: per attempt the newest bytes in memory
/// (``OutputBuffer``) and everything up to a cap in a file (``OutputFileWriter``), plus the
/// readers following a task, woken when output arrives or the task moves on.
///
/// All of it sits off the commit path: output is never stored as an event or row, and an
/// append costs one lock and a copy; the disk is written by the writer's own queue.
final class OutputLogs: Sendable {
    struct Log: Sendable {
        var buffer: OutputBuffer
        /// The agent's offset just past the last frame taken, to drop repeats.
        var agentOffset = 0
        /// Bytes written to the file (its size, the cap notice aside).
        var fileBytes = 0
        var capped = false
        var lastWrite: Double
    }

    struct TaskInfo: Sendable {
        /// The newest attempt seen in an event or a frame.
        var latestAttempt = 0
        /// The attempt that ended last, as events told.
        var endedAttempt = 0
        /// Set while the task is in a final state.
        var final: TaskState?
        /// Whether an event told the task's state since the hub started tracking it (else the
        /// store's record is the best word on it).
        var stateKnown = false
        var followers: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    struct State: Sendable {
        var logs: [String: [Int: Log]] = [:]
        var logCount = 0
        var tasks: [String: TaskInfo] = [:]
        /// Tasks that reached a final state, oldest first, for dropping their buffers.
        var finals: [(taskID: String, at: Double)] = []
        var finalsHead = 0
        var nextFollower = 0
    }

    let configuration: OutputConfiguration
    let writer = OutputFileWriter()
    let state = Mutex(State())
    init(configuration: OutputConfiguration) {
        self.configuration = configuration
    }

    /// The file of one attempt's output, when output is kept in files.
    func path(taskID: String, attempt: Int) -> String? {
        configuration.directory.map { DataDirectory.outputLogPath(in: $0, taskID: taskID, attempt: attempt) }
    }

    func directory(taskID: String) -> String? {
        configuration.directory.map { DataDirectory.outputDirectory(in: $0, taskID: taskID) }
    }

    /// Takes a frame the engine checked came from the attempt's holder.
    func append(_ frame: OutputFrame, now: Double = Date().timeIntervalSince1970) {
        let bytes = Array(frame.text.utf8)
        guard !bytes.isEmpty else { return }
        let path = path(taskID: frame.taskID, attempt: frame.attempt)
        let cap = configuration.fileBytes
        let (write, followers) = state.withLock { state -> ([UInt8], [AsyncStream<Void>.Continuation]) in
            var log: Log
            if let known = state.logs[frame.taskID]?[frame.attempt] {
                log = known
            } else {
                state.logCount += 1
                // Picked up mid-attempt (the hub restarted, or memory dropped the log): the
                // file holds what came before, so offsets carry on from the agent's.
                log = Log(buffer: OutputBuffer(limit: configuration.memoryBytes, total: frame.offset), agentOffset: frame.offset, fileBytes: min(frame.offset, cap), capped: frame.offset > cap, lastWrite: now)
            }
            // A repeat (MQTT delivers at least once): its bytes are in already.
            guard frame.offset >= log.agentOffset || frame.offset + bytes.count > log.agentOffset else { return ([], []) }
            let fresh = frame.offset < log.agentOffset ? bytes.suffix(from: log.agentOffset - frame.offset) : bytes[...]
            log.agentOffset = max(log.agentOffset, frame.offset + bytes.count)
            log.buffer.append(fresh)
            log.lastWrite = now
            var write: [UInt8] = []
            if path != nil, !log.capped {
                let room = cap - log.fileBytes
                if fresh.count <= room {
                    write = Array(fresh)
                } else {
                    write = Array(fresh.prefix(room))
                    write += Array("\n[flotilla: output past \(cap) bytes was not kept in this file]\n".utf8)
                    log.capped = true
                }
                log.fileBytes += min(fresh.count, room)
            }
            state.logs[frame.taskID, default: [:]][frame.attempt] = log
            var info = state.tasks[frame.taskID] ?? TaskInfo()
            info.latestAttempt = max(info.latestAttempt, frame.attempt)
            state.tasks[frame.taskID] = info
            if state.logCount > configuration.maxAttempts { Self.dropOldest(&state) }
            return (write, Array(info.followers.values))
        }
        if let path, !write.isEmpty { writer.append(write, to: path) }
        for follower in followers { follower.yield() }
    }

    /// Hears the committed events: a new attempt, an attempt's end, a final state. Wakes the
    /// task's followers and drops buffers of tasks final for longer than ``OutputConfiguration/keepSeconds``.
    func observe(_ events: [EventRecord], now: Double = Date().timeIntervalSince1970) {
        let woken = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            guard !state.tasks.isEmpty else { return [] }
            var woken: [AsyncStream<Void>.Continuation] = []
            for event in events {
                guard let taskID = event.taskID, var info = state.tasks[taskID], let task = event.task else { continue }
                switch event.kind {
                case .taskAssigned:
                    info.latestAttempt = max(info.latestAttempt, task.attempt)
                    info.final = nil
                case .taskQueued, .taskBlocked:
                    info.final = nil
                case .taskSucceeded, .taskFailed, .taskDead, .taskCancelled, .taskExpired:
                    info.endedAttempt = max(info.endedAttempt, task.attempt)
                    if task.state.isFinal {
                        info.final = task.state
                        state.finals.append((taskID, now))
                    }
                default:
                    continue
                }
                info.stateKnown = true
                state.tasks[taskID] = info
                woken += info.followers.values
            }
            Self.dropExpired(&state, before: now - configuration.keepSeconds)
            return woken
        }
        for follower in woken { follower.yield() }
    }

    private static func dropExpired(_ state: inout State, before cutoff: Double) {
        while state.finalsHead < state.finals.count, state.finals[state.finalsHead].at < cutoff {
            let first = state.finals[state.finalsHead]
            state.finalsHead += 1
            guard let info = state.tasks[first.taskID], info.final != nil else { continue }
            state.logCount -= state.logs.removeValue(forKey: first.taskID)?.count ?? 0
            if info.followers.isEmpty { state.tasks[first.taskID] = nil }
        }
        if state.finalsHead > 1_024, state.finalsHead * 2 > state.finals.count {
            state.finals.removeFirst(state.finalsHead)
            state.finalsHead = 0
        }
    }

    /// Drops the attempt written least recently (its file stays).
    private static func dropOldest(_ state: inout State) {
        var oldest: (task: String, attempt: Int, at: Double)?
        for (task, logs) in state.logs {
            for (attempt, log) in logs where oldest == nil || log.lastWrite < oldest!.at {
                oldest = (task, attempt, log.lastWrite)
            }
        }
        guard let oldest else { return }
        state.logs[oldest.task]?[oldest.attempt] = nil
        if state.logs[oldest.task]?.isEmpty == true { state.logs[oldest.task] = nil }
        state.logCount -= 1
    }

    /// What memory holds of one attempt.
    struct View: Sendable {
        var total: Int
        var keptStart: Int
        var fileBytes: Int
        var capped: Bool
    }

    func view(taskID: String, attempt: Int) -> View? {
        state.withLock { state in
            state.logs[taskID]?[attempt].map { View(total: $0.buffer.total, keptStart: $0.buffer.keptStart, fileBytes: $0.fileBytes, capped: $0.capped) }
        }
    }

    /// Up to `count` bytes of the attempt from `offset`, from memory; nil when memory does not
    /// hold `offset` (older, or the attempt is not in memory).
    func bytes(taskID: String, attempt: Int, from offset: Int, max count: Int) -> [UInt8]? {
        state.withLock { state in
            state.logs[taskID]?[attempt]?.buffer.bytes(from: offset, max: count).map(Array.init)
        }
    }

    /// What is known of the task from frames and events (nil: nothing since the hub started).
    func info(taskID: String) -> TaskInfo? {
        state.withLock { state in
            guard var info = state.tasks[taskID] else { return nil }
            info.followers = [:]
            return info
        }
    }

    /// A stream that yields whenever the task's output or state moves; ``unfollow(_:id:)`` ends it.
    func follow(taskID: String) -> (wakes: AsyncStream<Void>, id: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            state.nextFollower += 1
            state.tasks[taskID, default: TaskInfo()].followers[state.nextFollower] = continuation
            return state.nextFollower
        }
        return (stream, id)
    }

    func unfollow(taskID: String, id: Int) {
        let continuation = state.withLock { state -> AsyncStream<Void>.Continuation? in
            let continuation = state.tasks[taskID]?.followers.removeValue(forKey: id)
            if let info = state.tasks[taskID], info.followers.isEmpty, state.logs[taskID] == nil { state.tasks[taskID] = nil }
            return continuation
        }
        continuation?.finish()
    }

    /// Forgets pruned tasks and deletes their files.
    func remove(taskIDs: [String]) async {
        let followers = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            var followers: [AsyncStream<Void>.Continuation] = []
            for id in taskIDs {
                state.logCount -= state.logs.removeValue(forKey: id)?.count ?? 0
                followers += state.tasks.removeValue(forKey: id)?.followers.values.map { $0 } ?? []
            }
            return followers
        }
        for follower in followers { follower.finish() }
        for id in taskIDs {
            if let directory = directory(taskID: id) { await writer.removeDirectory(directory) }
        }
    }

    /// Bytes held in memory by every attempt (tests check the bound).
    var heldBytes: Int {
        state.withLock { state in state.logs.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.buffer.heldBytes } } }
    }
}
