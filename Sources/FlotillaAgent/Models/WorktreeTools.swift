import FlotillaCore
import Foundation

/// The tools a model gets: files and commands confined to the attempt's worktree.
///
/// The file tools refuse any path outside it (``PathConfinement``). `run_command` runs a shell
/// command in the worktree with the scrubbed environment every task child gets (no agent
/// credential, no API key), a timeout and a cap on its output; like any task's command, it is
/// not a sandbox: confinement is the file tools' promise, the agent's machine is the command's.
public struct WorktreeTools: Sendable {
    public let confinement: PathConfinement
    /// Bytes of a tool's answer kept for the model (its context is not a log).
    public var resultCap: Int
    let stop: StopSignal?

    public init(worktree: String, resultCap: Int = 16 << 10, stop: StopSignal? = nil) {
        self.confinement = PathConfinement(root: worktree)
        self.resultCap = resultCap
        self.stop = stop
    }

    /// Runs one call; the text is what the model reads next. Never throws: a refusal or a
    /// failure is an answer the model can act on.
    public func run(_ call: ToolCall) async -> ToolOutcome {
        switch ToolInvocation.parse(call) {
        case .failure(let refusal):
            return ToolOutcome(text: "error: " + refusal.message, isError: true)
        case .success(let invocation):
            do {
                return ToolOutcome(text: cap(try await perform(invocation)), isError: false)
            } catch let refusal as ToolRefusal {
                return ToolOutcome(text: "error: " + refusal.message, isError: true)
            } catch {
                return ToolOutcome(text: "error: \(error)", isError: true)
            }
        }
    }

    func perform(_ invocation: ToolInvocation) async throws -> String {
        switch invocation {
        case .readFile(let path): return try readFile(path)
        case .writeFile(let path, let content): return try writeFile(path, content)
        case .replaceInFile(let path, let old, let new): return try replaceInFile(path, old, new)
        case .listFiles(let path, let recursive): return try listFiles(path, recursive: recursive)
        case .search(let text, let path): return try search(text, in: path)
        case .runCommand(let command, let seconds): return try await runCommand(["/bin/sh", "-c", command], seconds: seconds)
        case .gitStatus: return try await runCommand(["git", "status", "--short", "--branch"], seconds: 60)
        case .gitDiff(let path, let staged):
            let only = try path.map { ["--", try inside($0)] } ?? []
            return try await runCommand(["git", "diff"] + (staged ? ["--staged"] : []) + only, seconds: 60)
        }
    }

    /// The absolute path inside the worktree, or the refusal.
    func inside(_ path: String) throws(ToolRefusal) -> String {
        try confinement.resolve(path).get()
    }

    /// `text` cut to ``resultCap`` bytes (whole characters), saying so.
    func cap(_ text: String) -> String {
        guard text.utf8.count > resultCap else { return text }
        let kept = String(decoding: Array(text.utf8.prefix(resultCap)), as: UTF8.self).replacingOccurrences(of: "\u{FFFD}", with: "")
        return kept + "\n[… \(text.utf8.count - kept.utf8.count) more bytes not shown]"
    }

    /// What each tool is, as the model is told (JSON Schema arguments).
    public static let definitions: [ToolDefinition] = [
        tool("read_file", "Read a text file of the worktree.", ["path": ("string", "Path relative to the worktree.")], required: ["path"]),
        tool("write_file", "Create or overwrite a file of the worktree with the given content (parent directories are made).",
             ["path": ("string", "Path relative to the worktree."), "content": ("string", "The whole new content.")], required: ["path", "content"]),
        tool("replace_in_file", "Replace an exact span of a file: 'old' must occur exactly once (include enough context to make it unique).",
             ["path": ("string", "Path relative to the worktree."), "old": ("string", "The exact text to replace."), "new": ("string", "The text to put in its place.")],
             required: ["path", "old", "new"]),
        tool("list_files", "List a directory of the worktree (directories end with /).",
             ["path": ("string", "Directory relative to the worktree (default .)."), "recursive": ("boolean", "List subdirectories too.")], required: []),
        tool("search", "Find the lines of files that contain a text (plain text, not a pattern).",
             ["text": ("string", "The text to find."), "path": ("string", "File or directory to search (default .).")], required: ["text"]),
        tool("run_command", "Run a shell command in the worktree (/bin/sh -c); returns its exit code and output (capped).",
             ["command": ("string", "The command line."), "timeout_seconds": ("integer", "Stop it after this many seconds (default 120, at most 600).")],
             required: ["command"]),
        tool("git_status", "Show the worktree's git status (short form, with the branch).", [:], required: []),
        tool("git_diff", "Show the worktree's uncommitted changes as a diff.",
             ["path": ("string", "Only this file or directory."), "staged": ("boolean", "Show staged changes instead.")], required: []),
    ]

    private static func tool(_ name: String, _ description: String, _ properties: [String: (type: String, description: String)], required: [String]) -> ToolDefinition {
        var schema: [String: JSONValue] = [:]
        for (key, property) in properties {
            schema[key] = ["type": .string(property.type), "description": .string(property.description)]
        }
        return ToolDefinition(name: name, description: description, parameters: [
            "type": "object", "properties": .object(schema), "required": .array(required.map(JSONValue.string)),
        ])
    }
}

/// What a tool call answered.
public struct ToolOutcome: Sendable, Hashable {
    public var text: String
    public var isError: Bool
}
