import FlotillaCore
import Subprocess

/// The tmux CLI on Flotilla's dedicated socket.
///
/// Each call runs one `tmux -L <socket> …` client. Several tmux commands can go in one call,
/// separated by `;` arguments, which is both faster and atomic with respect to other clients.
public struct Tmux: Sendable {
    /// The socket, binary and config file this instance uses.
    public let configuration: TmuxConfiguration

    public init(configuration: TmuxConfiguration = TmuxConfiguration()) {
        self.configuration = configuration
    }

    /// The outcome of one tmux client run.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        public var succeeded: Bool { status == 0 }
    }

    /// Runs tmux with `arguments`, feeding `input` on standard input, and returns what it printed.
    /// Never throws for a non-zero exit; see ``run(_:input:)`` for that.
    public func execute(_ arguments: [String], input: String? = nil) async throws -> Output {
        let allArguments = Arguments(configuration.globalArguments + arguments)
        let executable: Executable = .name(configuration.executable)
        do {
            let result = try await Subprocess.run(
                executable,
                arguments: allArguments,
                input: .string(input ?? ""),
                output: .string(limit: 4 << 20),
                error: .string(limit: 1 << 20)
            )
            let status: Int32
            switch result.terminationStatus {
            case .exited(let code): status = Int32(code)
            default: status = -1
            }
            return Output(status: status, standardOutput: result.standardOutput, standardError: result.standardError)
        } catch {
            throw TmuxError(.launchFailed, "cannot run \(configuration.executable): \(error)")
        }
    }

    /// Runs tmux and returns its standard output; throws ``TmuxError`` when it exits non-zero.
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil) async throws -> String {
        let output = try await execute(arguments, input: input)
        guard output.succeeded else {
            let text = output.standardError.trimmingWhitespace()
            let code: TmuxError.Code = Self.isMissingTarget(text) ? .paneNotFound : .commandFailed
            throw TmuxError(code, "tmux \(arguments.first ?? ""): \(text)")
        }
        return output.standardOutput
    }

    /// Whether a tmux server answers on this socket.
    public func isServerRunning() async -> Bool {
        (try? await execute(["list-sessions"]).succeeded) ?? false
    }

    /// Kills this socket's server (and with it every session on it). No error if none runs.
    public func killServer() async {
        _ = try? await execute(["kill-server"])
    }

    static func isMissingTarget(_ text: String) -> Bool {
        text.contains("can't find") || text.contains("no server running") || text.contains("no such")
            || text.contains("error connecting")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
