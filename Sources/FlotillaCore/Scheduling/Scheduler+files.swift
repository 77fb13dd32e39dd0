/// File-aware dispatch (see ``FileClaims``): a queued task whose declared files may overlap the
/// file set of a held task of the same repository is not handed out. Like a budget hold, it
/// leaves its lane (so the tasks behind it go on) and comes back when that task's attempt ends
/// (succeeded, failed, released, timed out or cancelled), to be checked again.
///
/// Tasks without `repo` or without declared `files` cost one look at their spec when they are
/// picked; held tasks that claim nothing are never visited.
///
/// Announced files live in memory only. A hub restart rebuilds the claims of held tasks from
/// their declared files (stored with the task) and loses what their attempts announced: the
/// agents announce only paths new to them, so until those attempts end an undeclared edit may
/// run beside a task declaring the same file. That is safe: the set is a prediction that saves
/// a merge conflict, and the goal's merge queue turns a conflict into a fix step; no result is
/// lost or wrong. (A reload after a failed commit keeps them: memory is still there.)
extension TaskSpec {
    /// The files this task declares it will touch (payload `files`, strings), when it names a
    /// `repo`: only those take part in file-aware dispatch.
    public var declaredFiles: [String] { FileClaims.declared(self) }
}

extension Scheduler {
    /// The next task for an agent that neither a spent budget nor a held task's files hold
    /// back. The task returned is about to be assigned: its declared files become a claim now,
    /// so the next pick in the same pump already sees them.
    mutating func nextDispatchable(roles: Set<String>, capabilities: Set<String>, now: Double) -> String? {
        while let id = nextWithinBudget(roles: roles, capabilities: capabilities, now: now) {
            guard let spec = tasks[id]?.spec, let repo = spec.repo else { return id }
            let declared = FileClaims.declared(spec)
            guard !declared.isEmpty else { return id }
            if !fileClaims.isEmpty, let (holder, _) = fileClaims.blocker(repo: repo, declared: declared) {
                fileClaims.hold(id, for: holder)
                continue
            }
            fileClaims.claim(id, repo: repo, declared: declared)
            return id
        }
        return nil
    }

    /// A held task's attempt ended: its claim goes and the tasks it held back return to their
    /// lanes (at their place in line: `queuedAt` is kept).
    mutating func endFileClaim(_ taskID: String, now: Double) {
        guard !fileClaims.isEmpty else { return }
        for id in fileClaims.end(taskID) {
            guard let task = tasks[id], task.state == .queued else { continue }
            lanes.push(id, lane: LaneKey(spec: task.spec), queuedAt: task.queuedAt ?? now)
        }
    }

    /// Adds the paths a held task's attempt announced (`progress` `files`) to its claim;
    /// returns the new ones. Tasks without a repo claim nothing.
    mutating func announceFiles(_ task: TaskRecord, _ paths: [String]) -> [String] {
        guard let repo = task.spec.repo, !paths.isEmpty else { return [] }
        return fileClaims.announce(task.id, repo: repo, declared: FileClaims.declared(task.spec), paths: paths)
    }

    /// Rebuilds a held task's claim from its declared files (restore).
    mutating func restoreFileClaim(_ task: TaskRecord) {
        guard let repo = task.spec.repo else { return }
        fileClaims.claim(task.id, repo: repo, declared: FileClaims.declared(task.spec))
    }

    /// Keeps what the held tasks' attempts announced across a reload from the store (the
    /// agents still run them and will not announce those paths again).
    mutating func carryAnnouncements(from previous: Scheduler) {
        for (id, claim) in previous.fileClaims.claims where !claim.announced.isEmpty {
            guard let task = tasks[id], task.state.isHeld, previous.tasks[id]?.attempt == task.attempt else { continue }
            _ = announceFiles(task, claim.announced)
        }
    }

    /// The paths a held task's current attempt announced, in order (empty when none, or when
    /// it is not held).
    public func announcedFiles(_ taskID: String) -> [String] {
        fileClaims.claims[taskID]?.announced ?? []
    }

    /// Why a queued task is held back by another task's files, if it is.
    func filesReason(_ task: TaskRecord) -> WaitingReason? {
        guard task.state == .queued, let holder = fileClaims.waiting[task.id], let repo = task.spec.repo else { return nil }
        let overlap = fileClaims.claims[holder].map { FileSets.overlap(FileClaims.declared(task.spec), $0.declared + $0.announced) } ?? []
        let shown = overlap.prefix(10).map(\.description)
        let files = shown.isEmpty ? "" : " (\(shown.joined(separator: ", "))\(overlap.count > shown.count ? ", …" : ""))"
        return WaitingReason(
            .files, "Waiting for task \(holder): it works on files in \(repo) that this task declares\(files); it goes when that task's attempt ends.",
            details: ["tasks": [.string(holder)], "files": .array(shown.map { .string($0) })]
        )
    }
}
