import FlotillaCore
import Synchronization

/// Types text into one pane so that it arrives whole, once, and is submitted (guarantee 6,
/// docs/fleet.md "Safe typing").
///
/// One ``type(_:into:classifier:force:)`` call: leave copy mode; unless forced, wait until the
/// agent is idle (input box shown, no busy or approval signal, screen quiet for the settle
/// time); type short single lines with `send-keys -l` and everything else through a named buffer
/// and bracketed paste; wait until the text shows in the input box; press Enter; confirm the
/// box emptied (or the agent went busy), pressing Enter again while the text still sits there.
/// Callers serialise calls per pane (``CommandQueue`` does).
public struct SafeTyper: Sendable {
    /// How a text was typed.
    public enum Method: String, Sendable, Codable {
        case literal
        case paste
    }

    /// What one successful typing took.
    public struct Outcome: Sendable, Hashable {
        public var method: Method
        public var enterPresses: Int
    }

    public let screen: PaneScreen
    public let configuration: TypingConfiguration
    private static let bufferCounter = Atomic<Int>(0)

    public init(screen: PaneScreen, configuration: TypingConfiguration = TypingConfiguration()) {
        self.screen = screen
        self.configuration = configuration
    }

    /// Types `text` into `pane` and submits it.
    /// - Parameters:
    ///   - force: type even when the agent looks busy or shows a prompt (still whole and once).
    ///   - skipTyping: the text already sits in the input box (a retry after a failed submit):
    ///     only press Enter.
    public func type(_ text: String, into pane: String, classifier: ScreenClassifier, force: Bool = false, skipTyping: Bool = false) async throws -> Outcome {
        var ready: ScreenClassifier.Reading?
        if !force && !skipTyping {
            try await prepare(pane)
            ready = try await waitUntilIdle(pane, classifier: classifier, timeout: configuration.readyTimeout)
        }
        return try await typeNow(text, into: pane, classifier: classifier, ready: ready, skipTyping: skipTyping)
    }

    /// Types `text` into `pane` and submits it without waiting for the agent.
    /// - Parameter ready: the reading that found the agent ready, when the caller waited for
    ///   it (leftover text in its input box is cleared first); nil types as forced.
    public func typeNow(_ text: String, into pane: String, classifier: ScreenClassifier, ready: ScreenClassifier.Reading?, skipTyping: Bool = false) async throws -> Outcome {
        let tmux = screen.tmux
        try await prepare(pane)
        if let ready, !skipTyping {
            if !ready.inputText.isEmpty {
                guard !classifier.clearKeys.isEmpty else {
                    throw TmuxError(.agentBusy, "pane \(pane) has unsent text in its input box")
                }
                try await tmux.run(["send-keys", "-t", pane] + classifier.clearKeys)
                let cleared = try await screen.wait(pane, classifier: classifier, timeout: configuration.arrivalTimeout) { reading, _ in
                    reading.inputText.isEmpty
                }
                if !cleared.matched { throw TmuxError(.agentBusy, "pane \(pane): cannot empty the input box") }
            }
        }
        let method: Method = (text.utf8.count <= configuration.literalLimit && !text.contains("\n") && !text.contains("\r")) ? .literal : .paste
        if !skipTyping {
            switch method {
            case .literal:
                try await tmux.sendLiteral(pane, text)
            case .paste:
                let number = Self.bufferCounter.wrappingAdd(1, ordering: .relaxed).newValue
                try await tmux.paste(pane, text, buffer: "flotilla-\(number)")
            }
            if classifier.watchesInputBox {
                let arrived = try await screen.wait(pane, classifier: classifier, timeout: configuration.arrivalTimeout) { reading, _ in
                    !reading.inputText.isEmpty
                }
                if !arrived.matched {
                    throw TmuxError(.timedOut, "pane \(pane): the typed text never showed in the input box")
                }
            }
        }
        for press in 1...max(1, configuration.maxEnterPresses) {
            try await tmux.sendKeys(pane, "Enter")
            guard classifier.watchesInputBox else { return Outcome(method: method, enterPresses: press) }
            let submitted = try await screen.wait(pane, classifier: classifier, timeout: configuration.submitGrace) { reading, _ in
                reading.inputText.isEmpty || (reading.state?.isBusy ?? false) || reading.state == .waitingInput
            }
            if submitted.matched { return Outcome(method: method, enterPresses: press) }
        }
        throw TmuxError(.notSubmitted, "pane \(pane): the text still sits in the input box after \(configuration.maxEnterPresses) Enter presses")
    }

    /// Fails when `pane` is gone or dead; leaves copy mode, which would swallow the keys.
    public func prepare(_ pane: String) async throws {
        guard let info = try await screen.tmux.paneInfo(pane) else { throw TmuxError(.paneNotFound, "no pane \(pane)") }
        if info.isDead { throw TmuxError(.paneNotFound, "pane \(pane) has no running program") }
        if info.inMode { try await screen.tmux.leaveMode(pane) }
    }

    /// Waits until `pane` is ready for input (idle, or showing an error or a finished task at
    /// its input box: see ``ScreenClassifier/Reading/acceptsInput``) and its screen has been
    /// quiet for the settle time; returns that reading. Throws ``TmuxError/Code/timedOut``
    /// after `timeout`.
    public func waitUntilIdle(_ pane: String, classifier: ScreenClassifier, timeout: Duration) async throws -> ScreenClassifier.Reading {
        let start = ContinuousClock.now
        var lastScreen: String?
        var lastChange = start
        let result = try await screen.wait(pane, classifier: classifier, timeout: timeout) { reading, text in
            let now = ContinuousClock.now
            if text != lastScreen {
                lastScreen = text
                lastChange = now
            }
            // With control mode, `%output` says exactly when the pane last printed; without it,
            // only screens we captured ourselves can show a change.
            let quietSince = screen.control != nil ? (screen.lastOutput(pane) ?? start) : lastChange
            return reading.acceptsInput && now - quietSince >= configuration.settle
        }
        guard result.matched else {
            throw TmuxError(.timedOut, "pane \(pane) did not become ready for input (last seen: \(result.reading.state?.rawValue ?? "unknown"))")
        }
        return result.reading
    }
}
