import Foundation
import MQTT
import NIOCore
import NIOPosix
import Synchronization

/// A real mosquitto broker on a free port, with its own config and persistence directory.
final class Mosquitto: Sendable {
    let port: Int
    let directory: String
    private let current: Mutex<ChildProcess?>

    /// - Parameter listenerOptions: lines for the listener, e.g. `certfile …` for TLS; they may
    ///   name files in ``directory``, which `prepare` can write before the broker starts.
    init(
        persistence: Bool = false, listenerOptions: String = "", directory: String = NSTemporaryDirectory() + "mqtt-test-\(UUID().uuidString)",
        prepare: (String) async throws -> Void = { _ in }
    ) async throws {
        port = try await freePort()
        self.directory = directory
        // mosquitto started as root drops to its own user, which must be able to write here.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        var config = """
            listener \(port) 127.0.0.1
            \(listenerOptions)
            allow_anonymous true
            max_queued_messages 100000
            log_dest stdout
            log_type error
            log_type warning

            """
        if persistence {
            config += "persistence true\npersistence_location \(directory)/\nautosave_interval 1\n"
        }
        try config.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        try await prepare(directory)
        current = Mutex(nil)
        try await start()
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    func configuration(_ version: MQTTProtocolVersion, clientID: String? = nil) -> MQTTClient.Configuration {
        var configuration = MQTTClient.Configuration(host: "127.0.0.1", port: port)
        configuration.version = version
        if let clientID { configuration.clientID = clientID }
        configuration.reconnect = .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        return configuration
    }

    /// Starts the broker and waits until it accepts connections.
    func start() async throws {
        let process = try ChildProcess("/usr/sbin/mosquitto", ["-c", directory + "/mosquitto.conf"])
        current.withLock { $0 = process }
        let port = self.port
        try await waitUntil(timeout: .seconds(10), "mosquitto on \(port): \(process.text)") {
            guard process.isRunning else { throw WaitTimeout(description: "mosquitto exited: \(process.text)") }
            return await canConnect(port: port)
        }
    }

    /// Stops the broker gracefully (it writes its persistence file) and waits for it to exit.
    func stop() async throws {
        guard let process = current.withLock({ $0 }) else { return }
        process.terminate()
        _ = try await process.waitForExit()
    }

    func signal(_ signal: Int32) { current.withLock { $0 }?.signal(signal) }

    deinit {
        current.withLock { $0 }?.signal(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

private let portsHandedOut = Mutex<Set<Int>>([])

/// A port nothing listens on right now, never the same one twice in this process, and below the
/// kernel's ephemeral range: the fake brokers and proxies of parallel suites bind port 0, and one
/// of them taking a broker's port between this check and mosquitto's bind once left a TLS test
/// talking to a proxy (mosquitto exits on "address in use", but the port still answered).
func freePort() async throws -> Int {
    let ephemeralStart = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
        .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32768
    let range = ephemeralStart > 12000 ? 10000..<ephemeralStart : 0..<1
    while true {
        let candidate = range.count > 1 ? Int.random(in: range) : 0
        guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: candidate).get() else { continue }
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        if portsHandedOut.withLock({ $0.insert(port).inserted }) { return port }
    }
}

func canConnect(port: Int) async -> Bool {
    do {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        try await channel.close()
        return true
    } catch {
        return false
    }
}
