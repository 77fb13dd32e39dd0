import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Logging
import Synchronization

/// One round of the workflow runtime: for each run with news (tasks ended, a cancel, a start,
/// a restart), record the news, plan once with ``RunPlanner``, and commit the run's new state
/// with the tasks it starts and its events in one batch. A burst of task ends is one round.
extension Engine {
    /// What a round commits for one run.
    private struct RoundChange: Sendable {
        var row: WorkflowRunRow
        var specs: [TaskSpec]
        var startedSteps: [(step: String, count: Int)]
        var cancels: [InstanceID]
        var eventsBefore: [WorkflowEvent]
        var eventsAfter: [WorkflowEvent]
    }

    /// Runs one round over everything in the inbox; false when a commit failed (the news is
    /// back in the inbox, to retry once the store takes writes again).
    func runWorkflowRound() async -> Bool {
        let inbox = workflowRuntime.takeInbox()
        guard !inbox.isEmpty else { return true }
        return await withTaskGroup(of: Bool.self) { group in
            for runID in inbox.runIDs {
                let ends = inbox.ends[runID] ?? []
                let cancel = inbox.cancels[runID]
                group.addTask { await self.advance(runID: runID, ends: ends, cancel: cancel) }
            }
            var all = true
            for await ok in group where !ok { all = false }
            return all
        }
    }

    /// Records `ends` and `cancel` in the run, plans, commits. True when done (or nothing to do).
    func advance(runID: String, ends: [InstanceEnd], cancel: String?) async -> Bool {
        guard var live = workflowRuntime.runs.withLock({ $0[runID] }) else { return true }
        let now = Timestamp.now()
        var changed = false
        var eventsBefore: [WorkflowEvent] = []
        var stepsEnded: Set<String> = []
        for end in ends {
            guard live.record(end, now: now) else { continue }
            changed = true
            if live.state.record(end.instance.step).isFinished { stepsEnded.insert(end.instance.step) }
        }
        // In file order, as the run's graph lists them.
        if !stepsEnded.isEmpty {
            for step in live.definition.steps where stepsEnded.contains(step.id) {
                eventsBefore.append(live.stepEndEvent(step))
            }
        }
        var mustPlan = ends.isEmpty || live.state.cancelRequested
        if let cancel, !live.state.cancelRequested {
            live.state.cancelRequested = true
            live.row.cancelReason = cancel
            changed = true
            mustPlan = true
        }
        let plan = mustPlan || live.canDecide(after: stepsEnded) ? live.planner.plan(live.state) : RunPlan()
        guard changed || !plan.isEmpty else { return true }
        live.state = live.state.applying(plan)
        var eventsAfter: [WorkflowEvent] = []
        var startedSteps: [(step: String, count: Int)] = []
        for start in plan.starts {
            if let last = startedSteps.last, last.step == start.instance.step {
                startedSteps[startedSteps.count - 1].count += 1
            } else {
                startedSteps.append((start.instance.step, 1))
            }
            live.changedSteps.insert(start.instance.step)
            live.book.steps[start.instance.step, default: RunBook.Step()].startedAt = now
            live.book.steps[start.instance.step]!.tasks.append(RunBook.Instance(matrix: start.matrix))
        }
        for skip in plan.skips {
            live.changedSteps.insert(skip.step)
            live.book.steps[skip.step, default: RunBook.Step()].endedAt = now
            eventsAfter.append(live.event(.stepSkipped, step: skip.step, extra: ["reason": .string(skip.reason.description)]))
        }
        for failure in plan.failures {
            live.changedSteps.insert(failure.step)
            live.book.steps[failure.step, default: RunBook.Step()].startedAt = now
            live.book.steps[failure.step]!.endedAt = now
            if let step = live.definition.step(failure.step) {
                var event = live.stepEndEvent(step)
                event.data["error"] = ["code": .string(failure.error.code.rawValue), "message": .string(failure.error.message)]
                eventsAfter.append(event)
            }
        }
        if let outcome = plan.outcome {
            live.row.status = outcome.rawValue
            live.row.endedAt = now
            eventsAfter.append(live.endEvent(outcome))
        }
        live.row.updatedAt = now
        (live.row.state, live.row.stepStates) = live.fragments.encode(live.state, book: live.book, changed: live.changedSteps)
        live.changedSteps = []
        let change = RoundChange(
            row: live.row, specs: plan.starts.map(\.spec), startedSteps: startedSteps, cancels: plan.cancels,
            eventsBefore: eventsBefore, eventsAfter: eventsAfter
        )
        let taskIDs: [String]
        do {
            taskIDs = try await commit(change, live: live)
        } catch {
            logger.warning("workflow run \(runID): its round did not commit (retried): \(error)")
            workflowRuntime.putBack(runID: runID, ends: ends, cancel: cancel)
            return false
        }
        // The tasks' ids, for the API. They are saved with the step's next change (its end), not
        // by a save of their own: until then a restart finds each task by its idempotency key
        // (Engine+workflowRecovery.swift), and a wide run saves each step twice, not three times.
        var position = 0
        for start in plan.starts where position < taskIDs.count {
            let slot = start.instance.matrixIndex ?? 0
            if live.book.steps[start.instance.step]?.tasks.indices.contains(slot) == true {
                live.book.steps[start.instance.step]!.tasks[slot].taskID = taskIDs[position]
            }
            position += 1
        }
        let ended = live.status.isFinal
        workflowRuntime.runs.withLock { runs in
            if ended { runs.removeValue(forKey: runID) } else { runs[runID] = live }
        }
        if ended { workflowRuntime.waiters.ended(runID) }
        return true
    }

    /// Submits the round's tasks, cancels what the plan cancels, and records the run's row and
    /// events, all in one commit; returns the submitted tasks' ids in order.
    private func commit(_ change: RoundChange, live: LiveRun) async throws -> [String] {
        let runID = change.row.id
        return try await mutate { scheduler, now -> [String] in
            let submitted = change.specs.isEmpty ? [] : try scheduler.submit(change.specs, facts: StoredFacts(), now: now)
            for instance in change.cancels {
                guard let id = scheduler.taskID(forIdempotencyKey: instance.key(run: runID)), scheduler.task(id) != nil else { continue }
                _ = try? scheduler.cancel(id, reason: "workflow run cancelled", now: now)
            }
            var events = change.eventsBefore
            var position = 0
            for (step, count) in change.startedSteps {
                let ids = submitted[position..<(position + count)].map(\.task.id)
                position += count
                events.append(live.event(.stepStarted, step: step, taskID: ids.count == 1 ? ids[0] : nil, extra: ["task_ids": .array(ids.map { .string($0) })]))
            }
            // Started steps come first in the log: a run's end follows its steps' events.
            let ends = change.eventsAfter
            scheduler.recordWorkflow([.saveWorkflowRun(change.row)], events: events + ends, now: now)
            return submitted.map(\.task.id)
        }
    }
}

