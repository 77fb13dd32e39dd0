/// File-aware dispatch: the file sets of held tasks, per repository, and the queued tasks they
/// hold back (see Scheduler+files.swift).
///
/// A held (assigned or running) task with a `repo` claims its file set: the files its payload
/// declares (`files`, paths, folders or globs as ``FileSets`` reads them) and those its running
/// attempt announced. A queued task of the same repository whose declared files may overlap a
/// claim waits for that task to end. Pure memory, no I/O.
struct FileClaims: Sendable {
    struct Claim: Sendable {
        var repo: String
        var declared: [String]
        /// Announced paths, in the order they came (each once).
        var announced: [String] = []
        var seen: Set<String> = []
    }

    /// Held task → its claim (only tasks with a repo and a non-empty set, or an announcement).
    private(set) var claims: [String: Claim] = [:]
    /// Repository → the held tasks claiming files in it.
    private var byRepo: [String: Set<String>] = [:]
    /// Queued task held back → the task it waits for.
    private(set) var waiting: [String: String] = [:]
    /// Held task → the queued tasks waiting for it.
    private var waiters: [String: Set<String>] = [:]

    /// At most this many announced paths are kept per task: past it, more change nothing (the
    /// set is a prediction; the merge queue settles what it misses).
    static let announcedLimit = 5_000

    /// True when no held task claims files: then no queued task can be held back.
    var isEmpty: Bool { claims.isEmpty }

    /// The files a task's payload declares (`files`: strings; anything else is ignored).
    static func declared(_ spec: TaskSpec) -> [String] {
        guard spec.repo != nil, let files = spec.payload["files"]?.arrayValue else { return [] }
        return files.compactMap { $0.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// A task was handed out: its declared files become a claim.
    mutating func claim(_ taskID: String, repo: String, declared: [String]) {
        guard !declared.isEmpty else { return }
        claims[taskID] = Claim(repo: repo, declared: declared)
        byRepo[repo, default: []].insert(taskID)
    }

    /// Adds paths a held task's attempt announced; returns those that were new.
    mutating func announce(_ taskID: String, repo: String, declared: [String], paths: [String]) -> [String] {
        var claim = claims[taskID] ?? Claim(repo: repo, declared: declared)
        var fresh: [String] = []
        for path in paths where claim.seen.count < Self.announcedLimit && claim.seen.insert(path).inserted {
            claim.announced.append(path)
            fresh.append(path)
        }
        guard !fresh.isEmpty || claims[taskID] != nil else { return [] }
        claims[taskID] = claim
        byRepo[repo, default: []].insert(taskID)
        return fresh
    }

    /// The held task (lowest id first) whose set may overlap `declared` in `repo`, with the
    /// overlapping entries; nil when none does.
    func blocker(repo: String, declared: [String], except taskID: String? = nil) -> (taskID: String, overlap: [FileSets.Overlap])? {
        guard let holders = byRepo[repo] else { return nil }
        for holder in holders.sorted() where holder != taskID {
            guard let claim = claims[holder] else { continue }
            let overlap = FileSets.overlap(declared, claim.declared + claim.announced)
            if !overlap.isEmpty { return (holder, overlap) }
        }
        return nil
    }

    /// A queued task waits for `holder` to end.
    mutating func hold(_ taskID: String, for holder: String) {
        waiting[taskID] = holder
        waiters[holder, default: []].insert(taskID)
    }

    /// A held task's attempt ended: its claim goes, and the tasks that waited for it are
    /// returned (sorted) to be put back in line.
    mutating func end(_ taskID: String) -> [String] {
        if let claim = claims.removeValue(forKey: taskID) {
            byRepo[claim.repo]?.remove(taskID)
            if byRepo[claim.repo]?.isEmpty == true { byRepo.removeValue(forKey: claim.repo) }
        }
        guard let released = waiters.removeValue(forKey: taskID) else { return [] }
        for id in released where waiting[id] == taskID { waiting.removeValue(forKey: id) }
        return released.sorted()
    }

    /// A held-back task left the queue some other way (cancelled): it waits no more.
    mutating func forget(_ taskID: String) {
        guard !waiting.isEmpty, let holder = waiting.removeValue(forKey: taskID) else { return }
        waiters[holder]?.remove(taskID)
    }
}
