@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// The model's tools on a real directory: what they do inside the worktree and what they refuse
/// outside it (`..`, absolute paths, symbolic links out), as answers the model reads.
@Suite struct WorktreeToolsTests {
    /// A worktree with a file, a link to a directory outside it, and that directory's secret.
    static func layout() throws -> (tools: WorktreeTools, worktree: String, outside: String) {
        let root = Paths.temporaryDirectory("tools")
        let worktree = root + "/worktree", outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: worktree + "/src", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "let a = 1\nlet b = 2\nlet b = 2\n".write(toFile: worktree + "/src/a.swift", atomically: true, encoding: .utf8)
        try "top secret\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: worktree + "/link", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: worktree + "/secret-file", withDestinationPath: outside + "/secret.txt")
        return (WorktreeTools(worktree: worktree), worktree, outside)
    }

    static func call(_ name: String, _ arguments: JSONValue) -> ToolCall { ToolCall(id: "c", name: name, arguments: arguments) }

    @Test func pathsOutsideTheWorktreeAreRefusedAsAnswers() async throws {
        let (tools, worktree, outside) = try Self.layout()
        let attempts: [ToolCall] = [
            Self.call("read_file", ["path": "../outside/secret.txt"]),
            Self.call("read_file", ["path": .string(outside + "/secret.txt")]),
            Self.call("read_file", ["path": "link/secret.txt"]),
            Self.call("read_file", ["path": "secret-file"]),
            Self.call("write_file", ["path": "link/planted.txt", "content": "x"]),
            Self.call("write_file", ["path": "src/../../planted.txt", "content": "x"]),
            Self.call("list_files", ["path": "link"]),
            Self.call("search", ["text": "secret", "path": "/etc"]),
            Self.call("replace_in_file", ["path": "link/secret.txt", "old": "top", "new": "no"]),
            Self.call("git_diff", ["path": "../outside"]),
        ]
        for call in attempts {
            let outcome = await tools.run(call)
            #expect(outcome.isError, "\(call.name) \(call.arguments.jsonString) was allowed: \(outcome.text)")
            #expect(outcome.text.contains("outside the worktree"), "\(outcome.text)")
            #expect(!outcome.text.contains("top secret"))
        }
        #expect(!FileManager.default.fileExists(atPath: outside + "/planted.txt"))
        #expect(!FileManager.default.fileExists(atPath: (worktree as NSString).deletingLastPathComponent + "/planted.txt"))
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "top secret\n")
    }

    @Test func filesAreReadWrittenAndReplacedInside() async throws {
        let (tools, worktree, _) = try Self.layout()
        #expect(await tools.run(Self.call("read_file", ["path": "src/a.swift"])).text == "let a = 1\nlet b = 2\nlet b = 2\n")
        let twice = await tools.run(Self.call("replace_in_file", ["path": "src/a.swift", "old": "let b = 2", "new": "let b = 3"]))
        #expect(twice.isError && twice.text.contains("occurs 2 times"))
        let missing = await tools.run(Self.call("replace_in_file", ["path": "src/a.swift", "old": "let c", "new": "x"]))
        #expect(missing.isError && missing.text.contains("not found"))
        let once = await tools.run(Self.call("replace_in_file", ["path": "src/a.swift", "old": "let a = 1", "new": "let a = 10"]))
        #expect(!once.isError)
        #expect(try String(contentsOfFile: worktree + "/src/a.swift", encoding: .utf8) == "let a = 10\nlet b = 2\nlet b = 2\n")
        #expect(!(await tools.run(Self.call("write_file", ["path": "docs/new/notes.md", "content": "hello"]))).isError)
        #expect(try String(contentsOfFile: worktree + "/docs/new/notes.md", encoding: .utf8) == "hello")
        let listing = await tools.run(Self.call("list_files", ["recursive": true]))
        #expect(listing.text.split(separator: "\n").contains("src/a.swift"))
        #expect(listing.text.split(separator: "\n").contains("docs/"))
        let found = await tools.run(Self.call("search", ["text": "let b"]))
        #expect(found.text == "src/a.swift:2: let b = 2\nsrc/a.swift:3: let b = 2")
        let git = await tools.run(Self.call("write_file", ["path": ".git/hooks/pre-commit", "content": "evil"]))
        #expect(git.isError && git.text.contains(".git"))
    }

    @Test func argumentsAndUnknownToolsAreAnsweredNotThrown() async throws {
        let (tools, _, _) = try Self.layout()
        let unknown = await tools.run(Self.call("delete_everything", [:]))
        #expect(unknown.isError && unknown.text.contains("no tool named 'delete_everything'"))
        let noPath = await tools.run(Self.call("read_file", [:]))
        #expect(noPath.isError && noPath.text.contains("needs 'path'"))
        let notObject = await tools.run(ToolCall(id: "c", name: "read_file", arguments: .string("{broken"), rawArguments: "{broken"))
        #expect(notObject.isError && notObject.text.contains("JSON object"))
    }

    @Test func commandsRunInTheWorktreeWithATimeoutAndCappedOutput() async throws {
        let (_, worktree, _) = try Self.layout()
        let tools = WorktreeTools(worktree: worktree, resultCap: 1000)
        let pwd = await tools.run(Self.call("run_command", ["command": "pwd; exit 3"]))
        #expect(pwd.text.hasPrefix("exit code 3\n"))
        #expect(pwd.text.contains(tools.confinement.root))
        let started = ContinuousClock.now
        let slow = await tools.run(Self.call("run_command", ["command": "sleep 30", "timeout_seconds": 1]))
        #expect(slow.text.hasPrefix("timed out after 1s"))
        #expect(ContinuousClock.now - started < .seconds(15))
        let loud = await tools.run(Self.call("run_command", ["command": "seq 1 100000"]))
        #expect(loud.text.utf8.count < 1200)
        #expect(loud.text.contains("100000"))
    }
}
