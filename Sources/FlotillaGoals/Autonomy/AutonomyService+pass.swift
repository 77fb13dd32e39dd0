import FlotillaCore
import FlotillaEngine
import Logging
import Synchronization

extension AutonomyService {
    /// One pass at the clock's time `now`: settle proposals from the store (approvals decided,
    /// goals ended), heal the fleet, scan when due, and enter the state that follows.
    func pass(now: Double) async {
        var healed = await heal(now: now)
        let findings: [AutonomyFindingRecord]
        do {
            findings = try await engine.autonomyFindings()
        } catch {
            logger.warning("autonomy: cannot read its findings: \(error)")
            return
        }
        let open = await settle(findings, now: now)
        let spent = await spentToday(now: now, findings: findings)
        var scanned = false
        if configuration.policy.scanDue(lastScan: state.withLock({ $0.lastScan }), now: now), spent < configuration.policy.dayBudgetUSD {
            state.withLock {
                $0.lastScan = now
                $0.scanning = true
            }
            await enter(.improving)
            await scan(known: findings, open: open, now: now)
            state.withLock { $0.scanning = false }
            scanned = true
        }
        healed = healed || state.withLock { !$0.stuck.isEmpty }
        let active = (try? await engine.goals(GoalQuery(states: [.planning, .awaitingApproval, .executing, .verifying, .review], limit: 1)).count) ?? 0
        let waiting = ((try? await engine.autonomyFindings()) ?? findings).filter { $0.status == .proposed }.count
        await enter(configuration.policy.state(
            healing: healed, activeGoals: active, busyTasks: engine.busyTaskCount, scanning: scanned,
            waitingProposals: waiting, spentToday: spent
        ))
    }

    // MARK: proposals

    /// Where each proposed finding stands now, from its goal and its approval: a denied
    /// approval cancels the goal and rejects the finding (for good; an unanswered one that
    /// timed out waits out the cooldown instead), an ended goal ends the finding. Returns the
    /// proposals still open.
    func settle(_ findings: [AutonomyFindingRecord], now: Double) async -> Int {
        var open = 0
        for finding in findings where finding.status == .proposed {
            guard let goalID = finding.goalID, let goal = try? await engine.goal(id: goalID) else {
                await decide(AutonomyDecision(.finished, reason: "its goal is gone", goalID: finding.goalID, fingerprint: finding.fingerprint, at: now),
                             writes: [.saveAutonomyFinding(finding.deciding(.failed, at: now))])
                continue
            }
            let approval = finding.approvalID == nil ? nil : try? await engine.approval(id: finding.approvalID!)
            if goal.state.isFinal {
                await finish(finding, goal: goal, approval: approval, now: now)
                continue
            }
            open += 1
            guard let approval else {
                if finding.approvalID == nil { await announceApproved(finding, reason: "low-risk, and its repository allows low-risk proposals", now: now) }
                continue
            }
            switch approval.state {
            case .pending:
                continue
            case .allowed:
                await announceApproved(finding, reason: "allowed by \(Self.who(approval))", now: now)
            case .denied:
                let why = "proposal denied by \(Self.who(approval))\(approval.reason.map { ": \($0)" } ?? "")"
                do {
                    let cancelled = try await engine.cancelGoal(id: goalID, reason: why)
                    await finish(finding, goal: cancelled, approval: approval, now: now)
                    open -= 1
                } catch {
                    logger.warning("autonomy: cannot cancel goal \(goalID) after its proposal was denied: \(error)")
                }
            }
        }
        return open
    }

    /// A proposal's goal ended: done → `done`; failed → `failed`; cancelled → `rejected`
    /// (a person said no, or cancelled it), except when nobody answered its approval in time
    /// (`failed`: the cooldown applies, not a rejection for good).
    private func finish(_ finding: AutonomyFindingRecord, goal: GoalRecord, approval: ApprovalRecord?, now: Double) async {
        let status: AutonomyFindingRecord.Status
        let decision: AutonomyDecision.Kind
        var reason: String
        switch goal.state {
        case .done:
            (status, decision, reason) = (.done, .finished, "its goal is done")
        case .cancelled where approval?.state == .denied && (approval?.decidedBy == .timeout || approval?.decidedBy == .cancelled):
            (status, decision, reason) = (.failed, .expired, "nobody answered its proposal (\(approval?.reason ?? "timed out")): not proposed again within the cooldown")
        case .cancelled:
            (status, decision, reason) = (.rejected, .rejected, goal.reasons.last.map { "\($0): never proposed again" } ?? "its goal was cancelled: never proposed again")
        default:
            (status, decision, reason) = (.failed, .finished, "its goal failed\(goal.reasons.last.map { ": \($0)" } ?? "")")
        }
        if reason.count > 500 { reason = String(reason.prefix(499)) + "…" }
        await decide(AutonomyDecision(decision, reason: reason, goalID: goal.id, fingerprint: finding.fingerprint, at: now),
                     writes: [.saveAutonomyFinding(finding.deciding(status, at: now))])
    }

    /// Announces an allowed proposal once per run of the hub.
    private func announceApproved(_ finding: AutonomyFindingRecord, reason: String, now: Double) async {
        guard let goalID = finding.goalID, state.withLock({ $0.approved.insert(goalID).inserted }) else { return }
        await decide(AutonomyDecision(.approved, reason: reason, goalID: goalID, fingerprint: finding.fingerprint, at: now))
    }

    static func who(_ approval: ApprovalRecord) -> String {
        [approval.decidedBy?.rawValue, approval.decider].compactMap { $0 }.joined(separator: " ")
    }

    // MARK: scanning

    /// Scans every repository and proposes what is new, most important first, up to the open
    /// proposals allowed. A finding seen before only has its `last_seen` moved (and, when it
    /// was rejected or is cooling down, a `skip` decision says why).
    func scan(known: [AutonomyFindingRecord], open: Int, now: Double) async {
        let byFingerprint = Dictionary(known.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
        let classifier = try? RiskClassifier()
        var open = open
        var seen: [StoreWrite] = []
        var skips: [AutonomyDecision] = []
        for repo in configuration.repos {
            let scan = await scanner.scan(repo)
            for problem in scan.problems {
                await decide(AutonomyDecision(.scanFailed, reason: "\(repo.path): \(problem)", at: now))
            }
            for finding in scan.findings {
                let record = byFingerprint[finding.fingerprint]
                switch configuration.policy.proposal(for: finding, known: record, now: now) {
                case .skip(let why):
                    guard var record else { continue }
                    record.lastSeen = now
                    seen.append(.saveAutonomyFinding(record))
                    if record.status != .proposed { skips.append(AutonomyDecision(.skip, reason: why, goalID: record.goalID, fingerprint: finding.fingerprint, at: now)) }
                case .propose:
                    guard open < configuration.policy.maxOpenProposals else { continue }
                    let lowRisk = repo.allowLowRisk && classifier.map { AutonomyPolicy.isLowRisk(finding, classifier: $0) } == true
                    let verify = finding.kind == .failingTests || finding.kind == .lint ? finding.command.map { [$0] } ?? [] : []
                    let reason = lowRisk ? "new \(finding.kind.rawValue) finding, low-risk: queued without asking" : "new \(finding.kind.rawValue) finding: waits for a person's approval"
                    do {
                        let proposal = try await engine.proposeAutonomyGoal(finding, verify: verify, askPerson: !lowRisk, known: record, reason: reason)
                        remember(AutonomyDecision(.propose, reason: reason, goalID: proposal.goal.id, fingerprint: finding.fingerprint, at: now))
                        open += 1
                    } catch {
                        logger.warning("autonomy: cannot propose \(finding.fingerprint): \(error)")
                    }
                }
            }
        }
        do {
            try await engine.commitAutonomy(seen, events: skips.map(\.event))
            for skip in skips { remember(skip) }
        } catch {
            logger.warning("autonomy: cannot record the scan: \(error)")
        }
    }

    // MARK: healing

    /// Offline agents' held attempts back to the queue once they have been offline for
    /// `healGrace` (by its clock; not their whole lease), so an agent that reconnects at once,
    /// as all do after a hub restart, carries on; stuck watched agents reported, and restarted
    /// when the hub watches its fleet. Returns whether it healed anything.
    func heal(now: Double) async -> Bool {
        var healed = false
        let offline = engine.agents().filter { $0.connection == nil && !$0.held.isEmpty }
        let due = state.withLock { state -> [String] in
            let ids = Set(offline.map(\.registration.id))
            state.offlineSince = state.offlineSince.filter { ids.contains($0.key) }
            for id in ids where state.offlineSince[id] == nil { state.offlineSince[id] = now }
            return ids.filter { now >= state.offlineSince[$0]! + configuration.healGrace }.sorted()
        }
        for id in due {
            healed = true
            await enter(.healing)
            do {
                let released = try await engine.releaseOfflineAttempts(of: id, reason: "agent \(id) went offline: released by the hub's healing")
                guard !released.isEmpty else { continue }
                await decide(AutonomyDecision(.release, reason: "agent \(id) is offline holding \(released.joined(separator: ", ")): back in the queue", at: now))
                _ = state.withLock { $0.offlineSince.removeValue(forKey: id) }
            } catch {
                logger.warning("autonomy: cannot release agent \(id)'s attempts: \(error)")
            }
        }
        let stuck = state.withLock { state -> [String] in
            defer { state.stuck = [] }
            return state.stuck
        }
        for agent in stuck {
            healed = true
            await enter(.healing)
            guard let restartAgent else {
                await decide(AutonomyDecision(.stuck, reason: "agent \(agent) is stuck; the hub does not watch its fleet (--watch-panes), so it cannot restart it", at: now))
                continue
            }
            await decide(AutonomyDecision(.stuck, reason: "agent \(agent) is stuck: restarting it", at: now))
            do {
                let pane = try await restartAgent(agent)
                await decide(AutonomyDecision(.restart, reason: "agent \(agent) restarted in pane \(pane)", at: now))
            } catch {
                await decide(AutonomyDecision(.restart, reason: "agent \(agent) could not be restarted: \(error)", at: now))
            }
        }
        return healed
    }
}
