import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `flotilla demo`: the first run that shows the product. A hub in this process on a fresh
/// temporary data directory, three real shell agents (this same binary) and a trickle of small
/// chained tasks, until Ctrl-C (or `--seconds`); then everything stops and the directory goes.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a throwaway hub with three shell agents and a trickle of tasks, and print the dashboard's sign-in link.",
        discussion: "Everything lives in a new temporary directory, deleted when the demo stops (Ctrl-C, SIGTERM or --seconds)."
    )

    @Option(help: "Address to bind: a loopback one (the demo serves plain HTTP).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks any free port.")
    var port = 7780

    @Option(help: "Stop by itself after this many seconds (default: run until Ctrl-C).")
    var seconds: Double?

    @Option(help: "Seconds between two rounds of tasks (build → test → review).")
    var intervalSeconds: Double = 4

    @Flag(help: "Start the hub and the agents but submit no tasks.")
    var noTasks = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard seconds.map({ $0 > 0 }) ?? true else { throw ValidationError("--seconds must be positive.") }
        guard intervalSeconds > 0 else { throw ValidationError("--interval-seconds must be positive.") }
        // The demo serves plain HTTP: only on loopback, like a hub without TLS.
        do { try HubConfiguration(host: host).checkTransport() } catch { throw ValidationError(error.message) }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "flotilla.demo")
        // The terminal belongs to the demo's own lines; the hub speaks up only when it must.
        logger.logLevel = .warning
        // A taken port would only show once the server tries to bind, after the hub opened.
        if port != 0, !Self.canBind(host: host, port: port) {
            throw Console.fail("error: port \(port) on \(host) is in use; --port 0 picks a free one.")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flotilla-demo-" + UUID().uuidString.prefix(8).lowercased()).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configuration = HubConfiguration(host: host, port: port, dataDirectory: root + "/hub")
        let hub: Hub
        do {
            (hub, _) = try await Hub.open(configuration: configuration, logger: logger)
        } catch {
            throw Console.fail("error: cannot open the demo hub in \(root): \(error)")
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(hub: hub, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let demo = DemoService(
            root: root,
            host: host,
            scheme: configuration.scheme,
            adminTokenPath: configuration.adminTokenPath,
            ports: ports,
            seconds: seconds,
            interval: intervalSeconds,
            tasks: !noTasks,
            executable: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        )
        // The demo service last: on Ctrl-C it stops first (agents before the hub they talk
        // to), and when it ends by itself (--seconds) it takes the hub down with it.
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: demo, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        group.maximumGracefulShutdownDuration = .seconds(10)
        // No cancellation deadline: ServiceLifecycle's ends the process with a fatal error; the
        // agents are killed after 2 s anyway, and the hub's streams are cut by the cancellation.
        group.maximumCancellationDuration = nil
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            portContinuation.finish()
            throw Console.fail("error: the demo stopped: \(error) (is port \(port) in use? --port 0 picks a free one)")
        }
        try? FileManager.default.removeItem(atPath: root)
        Console.print("demo stopped; removed \(root)")
    }

    /// Whether a TCP socket can bind `host:port` now (a numeric IPv4 host; other hosts are
    /// left to the server).
    static func canBind(host: String, port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        guard address.sin_addr.s_addr != INADDR_NONE else { return true }
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
