/// Why `flotilla init` wrote nothing, with a stable code.
public struct SetupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes; match on `rawValue`, never rename one.
    public enum Code: String, Sendable, Hashable {
        /// Not inside a git repository (or git is missing).
        case notAGitRepository = "init_not_a_git_repository"
        /// The fleet file exists and `--force` was not given.
        case fileExists = "init_file_exists"
        /// The file could not be written.
        case writeFailed = "init_write_failed"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
