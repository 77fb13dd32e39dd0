public import FlotillaCore

/// What `flotilla demo` runs: three shell agents of different roles and, every few seconds, a
/// round of small shell tasks chained with `depends_on` (build → test → review) that print
/// lines (some in colour) so the dashboard's live output has something to show. Some rounds
/// carry the cases a team lead must be able to see: a build that fails once and succeeds on its
/// retry, and a task that fails every attempt and ends dead.
///
/// Pure: it only describes the agents and the task documents; the command runs them.
public struct DemoScenario: Sendable {
    /// One demo agent: a real `flotilla agent` process with the shell executor.
    public struct Agent: Sendable, Equatable {
        public var id: String
        public var role: String
    }

    public static let agents: [Agent] = [
        Agent(id: "demo-builder", role: "development"),
        Agent(id: "demo-tester", role: "testing"),
        Agent(id: "demo-reviewer", role: "review"),
    ]

    /// A directory the tasks may write to: the flaky build leaves a marker there on its first
    /// attempt (the shell executor does not tell a command its attempt number).
    public var markerDirectory: String
    /// Seconds each printed step sleeps: small, so a round takes a few seconds.
    public var stepSeconds: Double

    public init(markerDirectory: String, stepSeconds: Double = 0.4) {
        self.markerDirectory = markerDirectory
        self.stepSeconds = stepSeconds
    }

    /// Round `number` (from 1): its tasks in submission order, dependencies first.
    public func round(_ number: Int) -> [JSONValue] {
        let build = "demo-\(number)-build", test = "demo-\(number)-test", review = "demo-\(number)-review"
        var tasks: [JSONValue] = [
            task(id: build, type: "code.generate", role: "development", priority: number % 3 == 0 ? "high" : "normal",
                 prompt: "Build the app (round \(number))\nCompile every module and link the binary.",
                 command: flaky(number) ? flakyBuild(id: build) : steps(Self.buildLines)),
            task(id: test, type: "testing.run", role: "testing", priority: "normal",
                 prompt: "Run the unit tests (round \(number))", command: steps(Self.testLines), dependsOn: [build]),
            task(id: review, type: "code.review", role: "review", priority: "low",
                 prompt: "Review the change (round \(number))", command: steps(Self.reviewLines), dependsOn: [test]),
        ]
        if doomed(number) {
            tasks.append(task(
                id: "demo-\(number)-deploy", type: "code.generate", role: "development", priority: "high",
                prompt: "Deploy to staging (round \(number))\nFails every attempt: the dead letters view shows it.",
                command: steps(["connecting to staging…"]) + "; printf '\\033[31merror:\\033[0m staging refused the deploy\\n' >&2; exit 3",
                maxAttempts: 2
            ))
        }
        return tasks
    }

    /// Rounds 1, 5, 9 … carry a build that fails once, then succeeds on its retry.
    public func flaky(_ number: Int) -> Bool { number % 4 == 1 }
    /// Rounds 2, 6, 10 … carry a deploy that fails every attempt and ends dead.
    public func doomed(_ number: Int) -> Bool { number % 4 == 2 }

    static let buildLines = [
        "\\033[1mcompiling\\033[0m FlotillaCore (1/3)", "\\033[1mcompiling\\033[0m FlotillaHub (2/3)",
        "\\033[1mcompiling\\033[0m flotilla (3/3)", "\\033[32mlinked\\033[0m .build/debug/flotilla",
    ]
    static let testLines = [
        "running 4 tests", "test scheduler_fifo ... \\033[32mok\\033[0m", "test leases_expire ... \\033[32mok\\033[0m",
        "test retries_back_off ... \\033[32mok\\033[0m", "test dead_letters ... \\033[32mok\\033[0m", "\\033[32m4 passed\\033[0m",
    ]
    static let reviewLines = ["reading the diff (3 files)", "\\033[33mnote:\\033[0m consider a test for the empty case", "\\033[32mapproved\\033[0m"]

    /// A command printing `lines` one by one with a short sleep between them. The lines are
    /// our own constants: printf formats whose only escapes are `\033` (colours), no `%` or `'`.
    func steps(_ lines: [String]) -> String {
        lines.map { "printf '\($0)\\n'; sleep \(stepSeconds)" }.joined(separator: "; ")
    }

    func flakyBuild(id: String) -> String {
        let marker = "\(markerDirectory)/\(id).failed-once"
        return "mkdir -p '\(markerDirectory)'; if [ ! -e '\(marker)' ]; then touch '\(marker)'; "
            + steps(Array(Self.buildLines.prefix(2)))
            + "; printf '\\033[31merror:\\033[0m the linker crashed (flaky; the retry succeeds)\\n' >&2; exit 1; fi; "
            + steps(Self.buildLines)
    }

    func task(id: String, type: String, role: String, priority: String, prompt: String, command: String, dependsOn: [String] = [], maxAttempts: Int = 3) -> JSONValue {
        var task: [String: JSONValue] = [
            "id": .string(id), "type": .string(type), "role": .string(role), "priority": .string(priority),
            "prompt": .string(prompt), "payload": ["command": .string(command)], "max_attempts": .int(Int64(maxAttempts)),
            "timeout_seconds": 120,
        ]
        if !dependsOn.isEmpty { task["depends_on"] = .array(dependsOn.map(JSONValue.string)) }
        return .object(task)
    }
}
