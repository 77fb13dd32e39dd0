import FlotillaCore

/// A tool call read into what to do: the arguments checked, before anything touches the disk.
public enum ToolInvocation: Sendable, Hashable {
    case readFile(path: String)
    case writeFile(path: String, content: String)
    case replaceInFile(path: String, old: String, new: String)
    case listFiles(path: String, recursive: Bool)
    case search(text: String, path: String)
    case runCommand(command: String, timeoutSeconds: Int)
    case gitStatus
    case gitDiff(path: String?, staged: Bool)

    /// The longest a `run_command` may ask for, in seconds (and its default).
    public static let maxCommandSeconds = 600
    public static let defaultCommandSeconds = 120

    /// Reads `call`, or says what is wrong with it (the model gets that as the result).
    public static func parse(_ call: ToolCall) -> Result<ToolInvocation, ToolRefusal> {
        guard let arguments = call.arguments.objectValue else {
            return .failure(ToolRefusal("the arguments of \(call.name) must be a JSON object, got: \((call.rawArguments ?? call.arguments.jsonString).prefix(200))"))
        }
        func string(_ key: String) throws(ToolRefusal) -> String {
            guard let value = arguments[key]?.stringValue else { throw ToolRefusal("\(call.name) needs '\(key)' (a string)") }
            return value
        }
        func optionalString(_ key: String) throws(ToolRefusal) -> String? {
            guard let value = arguments[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw ToolRefusal("'\(key)' of \(call.name) must be a string") }
            return text
        }
        func flag(_ key: String) throws(ToolRefusal) -> Bool {
            guard let value = arguments[key], !value.isNull else { return false }
            guard let bool = value.boolValue else { throw ToolRefusal("'\(key)' of \(call.name) must be true or false") }
            return bool
        }
        do throws(ToolRefusal) {
            switch call.name {
            case "read_file": return .success(.readFile(path: try string("path")))
            case "write_file": return .success(.writeFile(path: try string("path"), content: try string("content")))
            case "replace_in_file":
                let old = try string("old")
                guard !old.isEmpty else { throw ToolRefusal("'old' of replace_in_file cannot be empty: quote the exact text to replace") }
                return .success(.replaceInFile(path: try string("path"), old: old, new: try string("new")))
            case "list_files": return .success(.listFiles(path: try optionalString("path") ?? ".", recursive: try flag("recursive")))
            case "search":
                let text = try string("text")
                guard !text.isEmpty else { throw ToolRefusal("'text' of search cannot be empty") }
                return .success(.search(text: text, path: try optionalString("path") ?? "."))
            case "run_command":
                let command = try string("command")
                var seconds = defaultCommandSeconds
                if let value = arguments["timeout_seconds"], !value.isNull {
                    guard let number = value.intValue, number >= 1 else { throw ToolRefusal("'timeout_seconds' of run_command must be a positive integer") }
                    seconds = Int(min(Int64(maxCommandSeconds), number))
                }
                return .success(.runCommand(command: command, timeoutSeconds: seconds))
            case "git_status": return .success(.gitStatus)
            case "git_diff": return .success(.gitDiff(path: try optionalString("path"), staged: try flag("staged")))
            default:
                throw ToolRefusal("there is no tool named '\(call.name)'; the tools are \(WorktreeTools.definitions.map(\.name).joined(separator: ", "))")
            }
        } catch {
            return .failure(error)
        }
    }

    /// One line for the live output and progress (`read_file src/a.swift`).
    public var summary: String {
        switch self {
        case .readFile(let path): "read_file \(path)"
        case .writeFile(let path, let content): "write_file \(path) (\(content.utf8.count) bytes)"
        case .replaceInFile(let path, _, _): "replace_in_file \(path)"
        case .listFiles(let path, let recursive): "list_files \(path)\(recursive ? " (recursive)" : "")"
        case .search(let text, let path): "search \(text.debugDescription) in \(path)"
        case .runCommand(let command, _): "run_command \(command.prefix(200))"
        case .gitStatus: "git_status"
        case .gitDiff(let path, let staged): "git_diff\(staged ? " --staged" : "")\(path.map { " \($0)" } ?? "")"
        }
    }
}
