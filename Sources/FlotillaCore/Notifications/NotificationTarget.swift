import Foundation

/// Where notifications go: one named entry of the configuration's `targets` (docs/notifications.md).
///
/// Secrets (a webhook's signing key, an ntfy token, a Slack URL, which is itself a secret) are
/// named by file and read by the hub at start (``NotificationSecrets``); this value holds only
/// their paths, so it can be logged and shown.
public struct NotificationTarget: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A JSON body signed with HMAC-SHA256 over `"<timestamp>.<body>"`
        /// (``NotificationSignature``).
        case webhook
        /// A Slack-compatible incoming webhook: `{"text": …}`.
        case slack
        /// An ntfy topic URL: the message as the plain-text body, `Title`/`Priority`/`Tags` headers.
        case ntfy
        /// A shell command run with the delivery's JSON on stdin.
        case command
    }

    public var name: String
    public var kind: Kind
    /// The URL posted to (webhook, slack, ntfy); nil when it comes from ``urlFile``.
    public var url: String?
    /// A file holding the URL (a Slack webhook URL is a secret: keep it out of the config).
    public var urlFile: String?
    /// The webhook's signing key file (required for `webhook`).
    public var secretFile: String?
    /// A file holding an ntfy access token, sent as `Authorization: Bearer`.
    public var tokenFile: String?
    /// The shell command (`/bin/sh -c`) of a `command` target.
    public var command: String?
    /// Seconds one attempt may take (connect, send, answer; or the command's run). Default 10.
    public var timeout: Double = 10

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// Whether the target sends over HTTP (everything but `command`).
    public var isHTTP: Bool { kind != .command }

    /// The files the hub must read at start, with the field each came from
    /// (`targets.<name>.secret_file`), in a fixed order.
    public var secretFiles: [(field: String, path: String)] {
        var files: [(String, String)] = []
        if let urlFile { files.append(("targets.\(name).url_file", urlFile)) }
        if let secretFile { files.append(("targets.\(name).secret_file", secretFile)) }
        if let tokenFile { files.append(("targets.\(name).token_file", tokenFile)) }
        return files
    }
}

/// The secrets the targets' files held, read once at start (never logged, stored or shown).
public struct NotificationSecrets: Sendable, CustomStringConvertible {
    /// The contents of each file by path, trimmed of surrounding whitespace.
    public var files: [String: String]

    public init(files: [String: String] = [:]) {
        self.files = files
    }

    /// Reads every secret file of `configuration` with `read` (nil: the file cannot be read).
    /// A missing or empty file is refused, naming the field, before the hub starts.
    public static func load(_ configuration: NotificationConfiguration, read: (String) -> String?) throws(FlotillaError) -> NotificationSecrets {
        var files: [String: String] = [:]
        for target in configuration.targets.values.sorted(by: { $0.name < $1.name }) {
            for (field, path) in target.secretFiles {
                guard let text = read(path) else {
                    throw FlotillaError(.invalidField, "Cannot read \(path): create it (mode 0600) or fix the path.", field: field)
                }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else {
                    throw FlotillaError(.invalidField, "\(path) is empty: it must hold the secret.", field: field)
                }
                files[path] = trimmed
            }
        }
        return NotificationSecrets(files: files)
    }

    /// The URL `target` posts to: its `url`, or its `url_file`'s contents.
    public func url(of target: NotificationTarget) -> String? {
        target.url ?? target.urlFile.flatMap { files[$0] }
    }

    /// Never the secrets themselves: a configuration printed in a log shows only how many.
    public var description: String { "NotificationSecrets(\(files.count) files, redacted)" }

    public func secret(of target: NotificationTarget) -> String? { target.secretFile.flatMap { files[$0] } }
    public func token(of target: NotificationTarget) -> String? { target.tokenFile.flatMap { files[$0] } }
}
