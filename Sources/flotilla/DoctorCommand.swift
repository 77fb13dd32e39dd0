import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation

/// Checks what a fleet needs on this machine and says what to fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what the fleet needs (tmux, git, agent CLIs, hub, token, broker) and say what to fix.",
        discussion: """
            Exits 1 when a required check fails (tmux missing or too old, git missing, an agent \
            program of the fleet file missing, the fleet file invalid, a hub that `up` will not \
            start not answering, a refused token, a configured MQTT broker not answering); \
            warnings alone exit 0.
            """
    )

    @Option(name: [.customShort("f"), .long], help: "The fleet file (default: env FLOTILLA_FILE, else flotilla.yaml).")
    var file: String?

    @Option(help: ArgumentHelp("Trust this CA (PEM) for an https:// hub, instead of hub.ca_file / hub.tls_cert (default: env FLOTILLA_CA_FILE).", valueName: "pem"))
    var caFile: String?

    @Option(help: ArgumentHelp("Also check this MQTT broker (default: any --mqtt/--broker URL in the fleet file's commands).", valueName: "mqtt://host:port"))
    var broker: String?

    func run() async throws {
        let tools = HostTools()
        var checks = [await tools.checkTmux(), await tools.checkGit()]
        let path = file ?? Environment.value("FLOTILLA_FILE") ?? "flotilla.yaml"
        var fleet: Fleet?
        if !FileManager.default.fileExists(atPath: path) {
            checks.append(.warning("fleet file", "no fleet file at \(path)", fix: "run `flotilla init` in your repository, or pass -f FILE"))
        } else {
            do {
                let loaded = try Fleet(path: path, flotilla: FleetOptions.selfPath, caFile: caFile ?? Environment.value("FLOTILLA_CA_FILE"))
                fleet = loaded
                checks.append(.ok("fleet file", "\(path): \(try loaded.file.expandedAgents().count) agents"))
                checks += tools.checkAgentPrograms(loaded.file)
                checks += Self.checkTLS(loaded.file)
            } catch {
                checks.append(.failed("fleet file", "\(path): \(error)", fix: "correct the field named above (docs/fleet.md lists every key)"))
            }
        }
        checks += await Self.checkHub(fleet, caFile: caFile)
        for url in Self.brokers(fleet?.file, extra: broker) {
            checks.append(tools.answers(url, defaultPort: url.hasPrefix("mqtts") ? 8883 : 1883)
                ? .ok("broker", "\(url) accepts connections")
                : .failed("broker", "nothing accepts connections at \(url)", fix: "start the broker (e.g. `mosquitto -p 1883`) or correct the URL"))
        }
        for check in checks {
            Console.print(check.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0) + " " + check.name + ": " + check.detail)
            if let fix = check.fix { Console.print("      fix: " + fix) }
        }
        let failed = checks.filter { $0.status == .failed }
        guard failed.isEmpty else {
            throw Console.fail("\(failed.count) check\(failed.count == 1 ? "" : "s") failed (\(failed.map(\.name).joined(separator: ", "))): fix \(failed.count == 1 ? "it" : "them") and run `flotilla doctor` again")
        }
        Console.print("all required checks passed")
    }

    /// The hub answering at the fleet's URL (or the default), and the token it would be called with.
    static func checkHub(_ fleet: Fleet?, caFile: String? = nil) async -> [DoctorCheck] {
        let url = fleet?.file.hub.url ?? Environment.value("FLOTILLA_HUB") ?? "http://127.0.0.1:7700"
        let token = fleet.map(TokenFile.admin(for:)) ?? ClientOptions.parseOrExit([]).resolvedToken
        let trusted = fleet?.file.hubCAFile ?? caFile ?? Environment.value("FLOTILLA_CA_FILE")
        let client = HubClient(baseURL: url, token: token, http: HubTrust.failingFastClient(caFile: trusted))
        do {
            guard HostTools().answers(url, defaultPort: url.hasPrefix("https") ? 443 : 80) else { throw HubDown() }
            _ = try await client.send(.GET, "/health", timeout: .seconds(3))
        } catch let error where HubTrust.tlsFailure(error) != nil {
            return [tlsRefused(url: url, caFile: trusted, problem: HubTrust.tlsFailure(error)!)]
        } catch let failure as HubClient.Failure where failure.code == "store_unavailable" {
            return [.failed("hub", "the hub at \(url) answers, but \(failure.message)", fix: "free space on (or repair) the disk of the hub's data directory; the hub carries on by itself once its store works")]
        } catch {
            let detail = "no hub answers at \(url) (\(error is HubDown ? "nothing accepts connections there" : HubView.describe(error)))"
            guard let fleet else {
                return [.warning("hub", detail, fix: "`flotilla up` starts one with the fleet, or run `flotilla hub`")]
            }
            if fleet.file.hub.start {
                return [.warning("hub", detail, fix: "none needed: `flotilla up` starts one there")]
            }
            return [.failed("hub", detail, fix: "start it (`flotilla hub --port \(URL(string: url)?.port ?? 7700)`), or set hub.url / FLOTILLA_HUB to where it runs")]
        }
        var checks = [DoctorCheck.ok("hub", "a hub answers at \(url)")]
        guard let token else {
            checks.append(.failed("token", "no token to call the hub with", fix: "set FLOTILLA_TOKEN, or run where the hub's data directory (with admin.token) is, or pass the fleet file whose hub.data_dir holds it"))
            return checks
        }
        do {
            _ = try await client.send(.GET, "/api/stats", timeout: .seconds(3))
            checks.append(.ok("token", "the hub accepts the admin token"))
        } catch let failure as HubClient.Failure where failure.status == 401 {
            checks.append(.failed("token", "the hub refused the token: \(failure.message)", fix: "use this hub's <data-dir>/admin.token (FLOTILLA_TOKEN or hub.data_dir), or create one with `flotilla token create --scope admin`"))
        } catch let failure as HubClient.Failure where failure.status == 403 {
            checks.append(.failed("token", "the token is an agent token: \(failure.message)", fix: "use an admin token for the CLI (<data-dir>/admin.token)"))
        } catch {
            checks.append(.failed("token", "cannot check the token: \(HubView.describe(error))", fix: "check the hub's log"))
        }
        return checks
    }

    private struct HubDown: Error {}

    /// MQTT broker URLs the fleet uses: `--mqtt URL` in hub.command, `--broker URL` in agents' commands.
    static func brokers(_ file: FleetFile?, extra: String?) -> [String] {
        var urls: [String] = extra.map { [$0] } ?? []
        let lines = [file?.hub.command].compactMap { $0 } + (file?.agents.compactMap(\.command) ?? [])
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            for (index, word) in words.enumerated() {
                if (word == "--mqtt" || word == "--broker"), index + 1 < words.count { urls.append(words[index + 1]) }
                for flag in ["--mqtt=", "--broker="] where word.hasPrefix(flag) { urls.append(String(word.dropFirst(flag.count))) }
            }
        }
        var seen: Set<String> = []
        return urls.filter { seen.insert($0).inserted }
    }
}
