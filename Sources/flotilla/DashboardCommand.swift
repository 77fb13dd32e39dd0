import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// `flotilla dashboard`: prints a one-time sign-in link to the hub's dashboard (as Jupyter
/// does), acting as the CLI's token; `--open` opens it in the default browser too.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Print a one-time sign-in link to the hub's web dashboard (--open: open it in a browser).",
        discussion: """
            The link signs one browser in as the token the CLI uses (--token, FLOTILLA_TOKEN or \
            <data-dir>/admin.token) and works once, within --ttl seconds. Give a viewer token \
            to share a read-only view.
            """
    )

    @OptionGroup var client: ClientOptions

    @Flag(help: "Open the link in the default browser (xdg-open, or open on macOS).")
    var open = false

    @Option(help: ArgumentHelp("How long the link stays valid, in seconds (1-3600).", valueName: "seconds"))
    var ttl = 300

    func validate() throws {
        guard (1...3600).contains(ttl) else {
            throw ValidationError("--ttl must be from 1 to 3600 seconds, got \(ttl).")
        }
    }

    func run() async throws {
        let answer = try await client.call { hub in try await hub.dashboardLink(ttl: ttl) }
        guard let path = answer["path"]?.stringValue else {
            throw Console.fail("error: the hub's answer has no link: \(answer.jsonString)")
        }
        let base = client.resolvedURL.hasSuffix("/") ? String(client.resolvedURL.dropLast()) : client.resolvedURL
        let link = base + path
        if client.json {
            Console.print((["url": .string(link), "expires_at": answer["expires_at"] ?? .null] as JSONValue).jsonString)
        } else {
            Console.print(link)
        }
        if open, let failure = Self.openInBrowser(link) {
            Console.printError("could not open a browser (\(failure)); open the link above yourself.")
        }
    }

    /// Opens `link` with the platform's opener; nil when it worked, else why not.
    static func openInBrowser(_ link: String) -> String? {
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [opener, link]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "\(opener): \(error.localizedDescription)"
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "\(opener) exited with status \(process.terminationStatus)"
    }
}
