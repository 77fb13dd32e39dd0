import Foundation
import Subprocess
import SystemPackage

/// The programs a fleet needs on this machine: found on `PATH`, asked for their version.
public struct HostTools: Sendable {
    /// The `PATH` searched; default this process's.
    public var searchPath: String

    public init(searchPath: String? = nil) {
        self.searchPath = searchPath ?? ProcessEnvironment.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The agent CLIs `flotilla init` looks for, in the order it writes them.
    public static let agentCLIs = ["claude", "codex", "aider", "gemini"]

    /// The absolute path of `program` (a name looked up on `PATH`, or a path), when it is an
    /// executable file.
    public func find(_ program: String) -> String? {
        let manager = FileManager.default
        if program.contains("/") {
            return manager.isExecutableFile(atPath: program) ? program : nil
        }
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(directory) + "/" + program
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               manager.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// The first line `executable arguments…` prints (standard output, else standard error),
    /// or nil when it cannot run or fails.
    public func firstLine(_ executable: String, _ arguments: [String]) async -> String? {
        guard let result = try? await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments), input: .none,
            output: .string(limit: 64 * 1024), error: .string(limit: 64 * 1024)
        ), case .exited(0) = result.terminationStatus else { return nil }
        let text = result.standardOutput.isEmpty ? result.standardError : result.standardOutput
        return text.split(separator: "\n").first.map { String($0).trimmingWhitespace() }
    }

    /// The top directory of the git repository holding `directory`, when it is in one.
    public func gitTopLevel(of directory: String) async -> String? {
        guard let git = find("git") else { return nil }
        return await firstLine(git, ["-C", directory, "rev-parse", "--show-toplevel"])
    }
}

/// A tmux version as `tmux -V` prints it (`tmux 3.3a`, `tmux next-3.4`, `tmux master`).
public struct TmuxVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var text: String

    /// The oldest tmux Flotilla supports: the fleet's bookkeeping lives in pane options
    /// (`set-option -p`, tmux 3.1).
    public static let minimum = TmuxVersion(major: 3, minor: 1, text: "3.1")

    public init(major: Int, minor: Int, text: String) {
        self.major = major
        self.minor = minor
        self.text = text
    }

    /// Reads `tmux -V` output; nil when it names no version (a development build is taken as new).
    public init?(parsing output: String) {
        let word = output.split(separator: " ").last.map(String.init) ?? ""
        if word == "master" {
            self.init(major: 99, minor: 0, text: word)
            return
        }
        let digits = word.drop { !$0.isNumber }
        let parts = digits.split(separator: ".", maxSplits: 1)
        guard let major = parts.first.flatMap({ Int($0) }) else { return nil }
        let minor = parts.count > 1 ? Int(parts[1].prefix { $0.isNumber }) ?? 0 : 0
        self.init(major: major, minor: minor, text: String(digits))
    }

    public var description: String { text }

    public static func == (lhs: TmuxVersion, rhs: TmuxVersion) -> Bool {
        (lhs.major, lhs.minor) == (rhs.major, rhs.minor)
    }

    public static func < (lhs: TmuxVersion, rhs: TmuxVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
