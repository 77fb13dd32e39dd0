import FlotillaCore

/// Announces the files an attempt changes in its worktree (file-aware dispatch): every
/// `interval` it runs `git status --porcelain -z` there and hands the paths it has not
/// announced yet to `announce` (sent to the hub in a `progress` message's `files`). It runs
/// beside the executor, never in its way, and ends when its task is cancelled (the attempt's
/// work is over).
public struct WorktreeWatcher: Sendable {
    public typealias Announce = @Sendable (_ paths: [String]) async -> Void

    public let path: String
    public let interval: Duration
    /// How many paths one attempt announces at most: the hub keeps no more per task (past it,
    /// the set holds back every overlapping task anyway).
    static let announcedLimit = 5_000

    public init(path: String, interval: Duration = .seconds(2)) {
        self.path = path
        self.interval = interval
    }

    /// Watches until cancelled. A `git status` that fails (the worktree is being committed or
    /// removed) is skipped: the next look tells.
    public func run(announce: Announce) async {
        var seen: Set<String> = []
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            guard let changed = await changedPaths() else { continue }
            let fresh = changed.filter { seen.count < Self.announcedLimit && seen.insert($0).inserted }
            guard !fresh.isEmpty, !Task.isCancelled else { continue }
            for start in stride(from: 0, to: fresh.count, by: AnnouncedFiles.maxCount) {
                await announce(Array(fresh[start..<min(start + AnnouncedFiles.maxCount, fresh.count)]))
            }
        }
    }

    /// The paths `git status` lists now (changed, added, deleted, renamed both ways,
    /// untracked), or nil when it could not tell.
    func changedPaths() async -> [String]? {
        var spec = ProcessSpec(argv: ["git", "status", "--porcelain", "-z", "--untracked-files=all"], environment: ["GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"], workingDirectory: path, timeout: .seconds(30), tailBytes: 4 << 20)
        spec = spec.keepingAgentEnvironment()
        guard let outcome = try? await ProcessRunner.run(spec), outcome.succeeded else { return nil }
        return Self.parse(porcelainZ: outcome.stdout.text, truncated: outcome.stdout.isTruncated)
    }

    /// Paths of `git status --porcelain -z` output (`XY path\0`, with the source path as the
    /// next entry of a rename or copy), in order, without duplicates, keeping only paths a
    /// progress report may carry (``AnnouncedFiles/problem(_:)``). A truncated output lost its
    /// front: its first entry may be cut, so it is dropped.
    static func parse(porcelainZ text: String, truncated: Bool = false) -> [String] {
        var entries = text.split(separator: "\0", omittingEmptySubsequences: true)[...]
        if truncated { entries = entries.dropFirst() }
        var paths: [String] = []
        var seen: Set<String> = []
        func add(_ path: some StringProtocol) {
            let path = String(path)
            if AnnouncedFiles.problem(path) == nil, seen.insert(path).inserted { paths.append(path) }
        }
        while let entry = entries.popFirst() {
            guard entry.count > 3 else { continue }
            let status = entry.prefix(2)
            add(entry.dropFirst(3))
            // A rename or copy names its source in the next entry: it changed too.
            if status.contains("R") || status.contains("C"), let source = entries.popFirst() { add(source) }
        }
        return paths
    }
}

