import FlotillaCore

/// Sessions, windows, tiled grids and panes.
extension Tmux {
    /// Whether `session` exists on this socket.
    public func hasSession(_ session: String) async -> Bool {
        (try? await execute(["has-session", "-t", "=\(session)"]).succeeded) ?? false
    }

    /// Creates a detached session whose first window runs `command`; returns that pane's id.
    /// - Parameters:
    ///   - width, height: the size detached windows get (tmux's default is a cramped 80×24).
    @discardableResult
    public func newSession(_ session: String, window: String? = nil, command: PaneCommand, width: Int = 240, height: Int = 72) async throws -> String {
        var arguments = ["new-session", "-d", "-P", "-F", "#{pane_id}", "-s", session, "-x", "\(width)", "-y", "\(height)"]
        if let window { arguments += ["-n", window] }
        arguments += command.options + [command.command]
        return try await run(arguments).trimmingWhitespace()
    }

    /// Adds a window to `session` running `command`; returns its first pane's id.
    @discardableResult
    public func newWindow(session: String, name: String, command: PaneCommand) async throws -> String {
        let arguments = ["new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "=\(session):", "-n", name] + command.options + [command.command]
        return try await run(arguments).trimmingWhitespace()
    }

    /// Splits the window holding `pane` and re-tiles it, so the next split always finds room.
    @discardableResult
    public func splitWindow(pane: String, command: PaneCommand) async throws -> String {
        let arguments = ["split-window", "-d", "-P", "-F", "#{pane_id}", "-t", pane] + command.options + [command.command]
        let id = try await run(arguments).trimmingWhitespace()
        try await run(["select-layout", "-t", pane, "tiled"])
        return id
    }

    /// Creates a window in `session` (or the session itself when it does not exist) holding one
    /// pane per command, laid out by tmux's `tiled` layout: 9 commands give a 3×3 grid.
    /// Returns the pane ids in the order of `commands`.
    public func newGrid(session: String, window: String, commands: [PaneCommand], width: Int = 240, height: Int = 72) async throws -> [String] {
        guard let first = commands.first else { return [] }
        let firstPane: String
        if await hasSession(session) {
            firstPane = try await newWindow(session: session, name: window, command: first)
        } else {
            firstPane = try await newSession(session, window: window, command: first, width: width, height: height)
        }
        try await setWindowOption(target: firstPane, "remain-on-exit", "on")
        var panes = [firstPane]
        for command in commands.dropFirst() {
            panes.append(try await splitWindow(pane: firstPane, command: command))
        }
        try await run(["select-layout", "-t", firstPane, "tiled"])
        return panes
    }

    /// Every pane on the socket, or only those of `session`.
    public func listPanes(session: String? = nil) async throws -> [PaneInfo] {
        var arguments = ["list-panes", "-F", PaneInfo.format]
        if let session { arguments += ["-s", "-t", "=\(session)"] } else { arguments += ["-a"] }
        let output = try await execute(arguments)
        guard output.succeeded else {
            if Self.isMissingTarget(output.standardError) { return [] }
            throw TmuxError(.commandFailed, "tmux list-panes: \(output.standardError.trimmingWhitespace())")
        }
        return output.standardOutput.split(separator: "\n").compactMap(PaneInfo.parse)
    }

    /// The pane with id `pane`, or nil when it is gone.
    public func paneInfo(_ pane: String) async throws -> PaneInfo? {
        let output = try await execute(["list-panes", "-t", pane, "-F", PaneInfo.format])
        guard output.succeeded else { return nil }
        return output.standardOutput.split(separator: "\n").compactMap(PaneInfo.parse).first { $0.id == pane }
    }

    /// The exit status of dead `pane`, read again for up to `within` while tmux has none yet:
    /// tmux marks a pane dead when its terminal closes and fills in the status only once it has
    /// reaped the process, so a read in between sees a dead pane without a status.
    public func deadStatus(of pane: String, within: Duration = .seconds(1)) async -> Int? {
        let deadline = ContinuousClock.now + within
        while true {
            guard let info = try? await paneInfo(pane), info.isDead else { return nil }
            if let status = info.deadStatus { return status }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Whether `pane` exists and its process is still running.
    public func isPaneAlive(_ pane: String) async -> Bool {
        guard let info = try? await paneInfo(pane) else { return false }
        return !info.isDead && ProcessLiveness.isAlive(info.pid)
    }

    /// The visible screen of `pane` as plain text, one line per row (`capture-pane -p`).
    public func capture(_ pane: String) async throws -> String {
        try await run(["capture-pane", "-p", "-t", pane])
    }

    /// The pane's scrollback and screen (`capture-pane -p -S -lines`).
    public func captureHistory(_ pane: String, lines: Int = 10_000) async throws -> String {
        try await run(["capture-pane", "-p", "-J", "-S", "-\(lines)", "-t", pane])
    }

    /// Restarts `pane` with `command`, killing whatever runs there (`respawn-pane -k`).
    public func respawnPane(_ pane: String, command: PaneCommand) async throws {
        try await run(["respawn-pane", "-k", "-t", pane] + command.options + [command.command])
    }

    public func killPane(_ pane: String) async throws {
        try await run(["kill-pane", "-t", pane])
    }

    public func killWindow(_ target: String) async throws {
        try await run(["kill-window", "-t", target])
    }

    public func killSession(_ session: String) async throws {
        try await run(["kill-session", "-t", "=\(session)"])
    }

    /// Sets a pane option, e.g. a `@user` option Flotilla keeps its bookkeeping in.
    public func setPaneOption(_ pane: String, _ name: String, _ value: String) async throws {
        try await run(["set-option", "-p", "-t", pane, name, value])
    }

    public func setWindowOption(target: String, _ name: String, _ value: String) async throws {
        try await run(["set-option", "-w", "-t", target, name, value])
    }

    /// Sends key names (`Enter`, `C-c`, `Escape` …) to `pane`.
    public func sendKeys(_ pane: String, _ keys: String...) async throws {
        try await run(["send-keys", "-t", pane] + keys.map(Self.verbatim))
    }

    /// Types `text` literally (`send-keys -l`): every character as typed, none read as a key name.
    public func sendLiteral(_ pane: String, _ text: String) async throws {
        try await run(["send-keys", "-t", pane, "-l", "--", Self.verbatim(text)])
    }

    /// `argument` spelled so the tmux CLI hands it to the command unchanged. tmux reads an
    /// argument ending in `;` as "end of this command" and drops the `;`, and turns a trailing
    /// `\;` into `;`; so a trailing `;` is written `\;`, which tmux turns back into exactly
    /// the `;` (and `x\;` into `x\\;`, which comes back as `x\;`).
    static func verbatim(_ argument: String) -> String {
        guard argument.hasSuffix(";") else { return argument }
        return argument.dropLast() + "\\;"
    }

    /// Pastes `text` through a named buffer: `load-buffer` from standard input (no quoting, no
    /// length limit on the command line), then `paste-buffer -p` (bracketed paste when the program
    /// asked for it, so newlines do not submit), `-r` (keep LF), `-d` (delete the buffer).
    public func paste(_ pane: String, _ text: String, buffer: String) async throws {
        try await run(["load-buffer", "-b", buffer, "-", ";", "paste-buffer", "-p", "-r", "-d", "-b", buffer, "-t", pane], input: text)
    }

    /// Leaves copy mode (or any mode) so typed keys reach the program again.
    public func leaveMode(_ pane: String) async throws {
        try await run(["send-keys", "-t", pane, "-X", "cancel"])
    }
}
