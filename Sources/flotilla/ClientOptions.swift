import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Options shared by every command that talks to a running hub.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("hub"), help: ArgumentHelp("Hub URL (default: env FLOTILLA_HUB, else http://127.0.0.1:7700).", valueName: "url"))
    var hubURL: String?

    @Option(help: "API token (default: env FLOTILLA_TOKEN, else the contents of <data-dir>/admin.token).")
    var token: String?

    @Option(help: "Data directory holding admin.token (default: env FLOTILLA_DATA_DIR, else .flotilla).")
    var dataDir: String?

    @Option(help: ArgumentHelp("Also trust this CA (PEM) for an https:// hub, e.g. its self-signed certificate (default: env FLOTILLA_CA_FILE).", valueName: "pem"))
    var caFile: String?

    @Flag(help: "Print the hub's raw JSON instead of tables and lines.")
    var json = false

    /// The hub's base URL after applying defaults.
    var resolvedURL: String {
        hubURL ?? Environment.value("FLOTILLA_HUB") ?? "http://127.0.0.1:7700"
    }

    /// The token after applying defaults; nil when none is configured anywhere.
    var resolvedToken: String? { tokenLookup.token }

    /// The token and where it was found (or everywhere it was looked for), for messages.
    var tokenLookup: (token: String?, source: String) {
        if let token { return (token, "--token") }
        if let token = Environment.value("FLOTILLA_TOKEN") { return (token, "env FLOTILLA_TOKEN") }
        let path = adminTokenPath
        guard let token = TokenFile.read(path) else {
            return (nil, "--token, env FLOTILLA_TOKEN and \(path), which does not exist or is empty")
        }
        return (token, path)
    }

    /// The admin token file of the data directory, as an absolute path.
    var adminTokenPath: String {
        let path = DataDirectory(dataDir ?? DataDirectory.defaultPath).adminTokenPath
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The CA file to trust besides the system roots, if any.
    var resolvedCAFile: String? { caFile ?? Environment.value("FLOTILLA_CA_FILE") }

    func makeClient() -> HubClient {
        HubClient(baseURL: resolvedURL, token: resolvedToken, http: HubTrust.failingFastClient(caFile: resolvedCAFile))
    }

    /// Runs `body` against the hub, turning hub and connection errors into a message on
    /// standard error and exit code 1.
    func call<Value>(_ body: (HubClient) async throws -> Value) async throws -> Value {
        do {
            return try await body(makeClient())
        } catch {
            throw Self.report(error, hubURL: resolvedURL, tokenSource: tokenLookup.source)
        }
    }

    /// Prints `error` on standard error and returns the exit code to throw.
    static func report(_ error: any Error, hubURL: String, tokenSource: String? = nil) -> any Error {
        if error is ExitCode || error is CancellationError { return error }
        if let failure = error as? HubClient.Failure {
            var line = "error: \(failure.code): \(failure.message)"
            // Say where the token came from (or was looked for), so a person can fix the right one.
            if failure.code == "unauthorized", let tokenSource { line += " (token looked for in \(tokenSource))" }
            if let field = failure.field { line += " (field: \(field))" }
            return Console.fail(line)
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") {
            return Console.fail("error: cannot connect to the hub at \(hubURL): connection refused (is `flotilla hub` running there?)")
        }
        return Console.fail("error: request to the hub at \(hubURL) failed: \(text)")
    }
}

enum Environment {
    /// A non-empty environment variable.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

extension String {
    /// The string escaped for use as one path segment of a URL.
    var pathSegment: String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
