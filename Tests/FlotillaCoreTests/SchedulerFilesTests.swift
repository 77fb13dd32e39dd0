import Testing
@testable import FlotillaCore

/// File-aware dispatch (Scheduler+files.swift): a queued task whose declared files overlap a
/// held task of the same repo waits with `files`, and goes when that task's attempt ends.
@Suite("Scheduler: file-aware dispatch")
struct SchedulerFilesTests {
    func task(_ id: String, repo: String? = "/repos/app", files: [String]? = nil, role: String? = nil) -> TaskSpec {
        var payload: [String: JSONValue] = [:]
        if let files { payload["files"] = .array(files.map { .string($0) }) }
        return TaskSpec(id: id, type: "goal.step", role: role, payload: .object(payload), repo: repo)
    }

    func filesReason(_ scheduler: Scheduler, _ id: String) -> WaitingReason? {
        scheduler.waitingReasons(id, now: 100)?.first { $0.kind == .files }
    }

    @Test("an overlapping task of the same repo waits for the held one; a disjoint one and the tasks behind it go on")
    func overlapWaitsDisjointRuns() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 3, now: 0)
        try scheduler.add(
            task("t1", files: ["Sources/Core"]), task("t2", files: ["Sources/Core/A.swift"]),
            task("t3", files: ["docs/*.md"]), task("t4"), now: 1
        )
        #expect(scheduler.held(by: "a") == ["t1", "t3", "t4"])
        #expect(scheduler.task("t2")?.state == .queued)
        let reason = try #require(filesReason(scheduler, "t2"))
        #expect(reason.details["tasks"] == ["t1"])
        #expect(reason.details["files"] == ["Sources/Core/A.swift ∩ Sources/Core"])
        #expect(reason.json["reason"] == "files")
        _ = scheduler.takeEffects()

        try scheduler.complete("t1", by: "a", now: 2)
        #expect(scheduler.takeEffects().assignments.map(\.taskID) == ["t2"], "t1's end lets t2 go")
        #expect(scheduler.task("t2")?.state == .assigned)
        #expect(filesReason(scheduler, "t2") == nil)
    }

    @Test("the same files in another repo, or tasks without a repo, do not wait")
    func otherRepoDoesNotWait() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 4, now: 0)
        try scheduler.add(
            task("t1", files: ["Sources"]), task("t2", repo: "/repos/other", files: ["Sources"]),
            task("t3", repo: nil, files: ["Sources"]), task("t4", repo: nil, files: ["Sources"]), now: 1
        )
        #expect(scheduler.held(by: "a") == ["t1", "t2", "t3", "t4"])
    }

    @Test("a held task ending any way lets the waiting task go: failed, released, cancelled, lease expired")
    func everyEndReleases() throws {
        for end in ["fail", "release", "cancel", "lease"] {
            var scheduler = makeScheduler(lease: 10)
            scheduler.join("a", concurrency: 1, now: 0)
            scheduler.join("b", concurrency: 1, now: 0)
            try scheduler.add(task("t1", files: ["a.txt"]), task("t2", files: ["a.txt"]), now: 1)
            #expect(scheduler.held(by: "a") == ["t1"] && scheduler.held(by: "b").isEmpty, "\(end): t2 waits while b is free")
            switch end {
            case "fail": try scheduler.fail("t1", by: "a", now: 2)
            case "release": try scheduler.send(.release(reason: "draining"), on: "t1", by: "a", now: 2)
            case "cancel": _ = try scheduler.cancel("t1", reason: "no", now: 2)
            default: scheduler.tick(now: 20)
            }
            #expect(scheduler.task("t2")?.state == .assigned, "\(end) of t1 lets t2 go")
            if end == "release" {
                #expect(scheduler.task("t1")?.state == .queued && filesReason(scheduler, "t1")?.details["tasks"] == ["t2"], "now t1 waits for t2")
            }
        }
    }

    @Test("files an attempt announces join its task's set: a queued task declaring one of them waits; the event carries them")
    func announcedFilesHold() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 2, now: 0)
        try scheduler.add(task("t1"), now: 1)
        _ = scheduler.takeEffects()
        try scheduler.send(.progress(percent: nil, message: "editing", files: ["Sources/B.swift", "README.md"]), on: "t1", by: "a", now: 2)
        try scheduler.send(.progress(percent: nil, message: "editing", files: ["README.md", "Package.swift"]), on: "t1", by: "a", now: 2.1)
        let events = scheduler.takeEffects().events("task.progress")
        #expect(events.map { $0.details["files"] } == [["Sources/B.swift", "README.md"], ["Package.swift"]], "only new paths, each written at once")
        #expect(scheduler.announcedFiles("t1") == ["Sources/B.swift", "README.md", "Package.swift"])

        try scheduler.add(task("t2", files: ["Sources/**/*.swift"]), task("t3", files: ["Tests"]), now: 3)
        #expect(scheduler.task("t2")?.state == .queued)
        #expect(filesReason(scheduler, "t2")?.details["files"] == ["Sources/**/*.swift ∩ Sources/B.swift"])
        #expect(scheduler.task("t3")?.state == .assigned)
        try scheduler.complete("t1", by: "a", now: 4)
        #expect(scheduler.task("t2")?.state == .assigned)
        #expect(scheduler.announcedFiles("t1").isEmpty, "the claim went with the attempt")
    }

    @Test("a task that waits on files and is cancelled is forgotten; the next one in line goes")
    func cancelledWaiterIsForgotten() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 3, now: 0)
        try scheduler.add(task("t1", files: ["x"]), task("t2", files: ["x"]), task("t3", files: ["x/y"]), now: 1)
        _ = try scheduler.cancel("t2", reason: "not needed", now: 2)
        #expect(scheduler.fileClaims.waiting.keys.sorted() == ["t3"])
        try scheduler.complete("t1", by: "a", now: 3)
        #expect(scheduler.held(by: "a") == ["t3"])
        #expect(scheduler.task("t2") == nil)
    }

    @Test("after a restart the held tasks' declared files hold the overlapping queued ones again")
    func restoreRebuildsClaims() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 1, now: 0)
        scheduler.join("b", concurrency: 1, now: 0)
        try scheduler.add(task("t1", files: ["Sources"]), task("t2", files: ["Sources/A.swift"]), now: 1)
        try scheduler.send(.progress(percent: nil, message: nil, files: ["Package.swift"]), on: "t1", by: "a", now: 2)
        let committed = CommittedRows(scheduler.takeEffects().writes)

        var restarted = makeScheduler()
        restarted.restore(committed.snapshot, now: 3)
        restarted.join("b", concurrency: 1, now: 3)
        #expect(restarted.task("t1")?.state == .running)
        #expect(restarted.task("t2")?.state == .queued, "t1's declared files still hold t2")
        #expect(filesReason(restarted, "t2")?.details["tasks"] == ["t1"])
        #expect(restarted.announcedFiles("t1").isEmpty, "announced files are not stored: a restart loses them")

        // A reload after a failed commit keeps them: memory still has them.
        let reloaded = scheduler.reloaded(from: committed.snapshot, open: [], now: 3)
        #expect(reloaded.announcedFiles("t1") == ["Package.swift"])
    }

    @Test("an announcement from an attempt that is not current changes nothing")
    func staleAnnouncementRefused() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(task("t1"), now: 1)
        #expect(caught { try scheduler.send(.progress(percent: nil, message: nil, files: ["a"]), on: "t1", by: "a", attempt: 2, now: 2) }?.code == .staleAttempt)
        #expect(scheduler.announcedFiles("t1").isEmpty)
    }
}

@Suite("Progress reports: announced files")
struct AnnouncedFilesTests {
    func read(_ files: JSONValue) throws(FlotillaError) -> AttemptReport {
        try AttemptReport(envelope: Envelope(id: "m", type: .progress, payload: ["task_id": "t", "attempt": 1, "files": files]))
    }

    @Test("relative paths are read")
    func goodPaths() throws {
        #expect(try read(["Sources/A.swift", "README.md", "a b/c.txt"]).kind == .progress(percent: nil, message: nil, files: ["Sources/A.swift", "README.md", "a b/c.txt"]))
        #expect(try read(.null).kind == .progress(percent: nil, message: nil))
    }

    static let badCases: [(JSONValue, String)] = [
        (JSONValue.array(["ok", "../etc/passwd"]), "payload.files[1]"),
        (["/etc/passwd"], "payload.files[0]"),
        (["a/../../b"], "payload.files[0]"),
        (["a//b"], "payload.files[0]"),
        (["./a"], "payload.files[0]"),
        ([""], "payload.files[0]"),
        (["a\nb"], "payload.files[0]"),
        ([.int(3)], "payload.files[0]"),
        (.string(String(repeating: "a", count: 1_025)), "payload.files"),
        (.array([.string(String(repeating: "a", count: 1_025))]), "payload.files[0]"),
        (.array(Array(repeating: "a", count: 1_001)), "payload.files"),
    ]

    @Test("bad paths refuse the whole report, naming the entry", arguments: badCases)
    func badPaths(files: JSONValue, field: String) {
        let error = caught { try read(files) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == field)
    }
}
