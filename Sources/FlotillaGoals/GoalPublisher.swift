public import FlotillaCore
public import FlotillaEngine
import Foundation
public import Logging
import Synchronization

/// Carries a goal whose plan ran from `executing` to its pull request (docs/goals.md, "Review
/// and publication"): the goal's verify commands on the goal branch, corrective rounds through
/// the merge queue when they fail, then the review of the final diff (risk tier, secret scan),
/// and only when nothing is found: push, `gh pr create`, auto-merge for the low tier when
/// enabled, `done`.
///
/// ``finish(_:)`` is safe to call again and again (the goal service calls it on every wake for a
/// goal whose run succeeded): it reads the goal's state and `details` and does the next thing,
/// or nothing while a corrective step is still on its way; after a crash it picks up where the
/// store says the goal is. Two calls for one goal never run at once.
public struct GoalPublisher: Sendable {
    let engine: Engine
    let workspaces: GoalWorkspaces
    let mergeQueue: MergeQueue
    let configuration: GoalConfiguration
    /// What `gh` runs with on top of the basics: the hub's GitHub variables (`GH_TOKEN`, …).
    let environment: [String: String]
    let logger: Logger
    private let busy = GoalSet()

    public init(engine: Engine, workspaces: GoalWorkspaces, mergeQueue: MergeQueue, configuration: GoalConfiguration,
                environment: [String: String] = GoalPublisher.ghEnvironment(), logger: Logger) {
        self.engine = engine
        self.workspaces = workspaces
        self.mergeQueue = mergeQueue
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
    }

    /// The variables `gh` (and a credential helper) read, taken from the hub's environment:
    /// GoalCommand passes only the basics otherwise.
    public static func ghEnvironment() -> [String: String] {
        let names = ["GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST", "GH_CONFIG_DIR", "XDG_CONFIG_HOME", "SSH_AUTH_SOCK"]
        var out: [String: String] = [:]
        for name in names { out[name] = variable(name) }
        return out
    }

    /// Drives the goal one stage on: `executing` (its run succeeded, or a corrective step
    /// landed) → `verifying` → `review` → `done`, or `failed` with the reason. Errors end up as
    /// the goal's reason; nothing is thrown.
    public func finish(_ goal: GoalRecord) async {
        guard busy.enter(goal.id) else { return }
        defer { busy.leave(goal.id) }
        do {
            var current = try await engine.goal(id: goal.id)
            if current.state == .executing {
                guard let next = try await afterCorrection(current) else { return }
                current = next
            }
            if current.state == .verifying {
                guard let next = try await verify(current) else { return }
                current = next
            }
            if current.state == .review { try await publish(current) }
        } catch {
            await fail(goal.id, because: "publication stopped: \(Self.describe(error))")
        }
    }

    /// A goal back in `executing` for a corrective step: nil while the step has not landed
    /// (or failed for good, which fails the goal); else the goal moved to `verifying`.
    private func afterCorrection(_ goal: GoalRecord) async throws -> GoalRecord? {
        let verification = goal.details["verification"]
        if let fix = verification?["fix_tasks"]?.arrayValue?.last?.stringValue {
            let rounds = verification?["fix_tasks"]?.arrayValue?.count ?? 0
            switch try await correctionState(goal, step: "verify-\(rounds)", task: fix) {
            case .pending: return nil
            case .failed(let why):
                await fail(goal.id, because: "the corrective step verify-\(rounds) (\(fix)) did not land: \(why)")
                return nil
            case .landed: break
            }
        }
        return try await engine.moveGoal(id: goal.id, to: .verifying)
    }

    enum Correction { case pending, landed, failed(String) }

    /// Where a corrective step is: the merge queue's record of it (`details["merges"]`), else
    /// its task's end.
    private func correctionState(_ goal: GoalRecord, step: String, task: String) async throws -> Correction {
        if let merge = goal.details["merges"]?[step], let state = merge["state"]?.stringValue {
            switch state {
            case "merged": return .landed
            case "failed": return .failed(merge["reason"]?.stringValue ?? "the merge queue gave it up")
            default: return .pending
            }
        }
        let (record, _) = try await engine.task(id: task)
        switch record.state {
        case .dead, .cancelled, .expired: return .failed(record.reason ?? record.error ?? record.state.rawValue)
        default: return .pending
        }
    }

    /// Fails the goal (unless it has ended already) with `reason`.
    func fail(_ id: String, because reason: String, events: [WorkflowEvent] = [], update: @escaping @Sendable (inout GoalRecord) -> Void = { _ in }) async {
        logger.warning("goal failed", metadata: ["goal": "\(id)", "reason": "\(reason.prefix(500))"])
        do {
            _ = try await engine.moveGoal(id: id, to: .failed, reason: reason, events: events, update: update)
        } catch {
            logger.error("goal could not be failed", metadata: ["goal": "\(id)", "error": "\(error)"])
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? FlotillaError { return error.message }
        return String(describing: error).prefix(500).description
    }
}

/// The goals a publisher is working on, so a second call for one of them returns at once.
final class GoalSet: Sendable {
    private let ids = Mutex<Set<String>>([])

    func enter(_ id: String) -> Bool { ids.withLock { $0.insert(id).inserted } }
    func leave(_ id: String) { _ = ids.withLock { $0.remove(id) } }
}
