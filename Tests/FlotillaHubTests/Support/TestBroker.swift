import Foundation
import Synchronization

/// A real mosquitto on a free port for one test, logging subscriptions (so a test can wait
/// until the hub has subscribed, instead of sleeping), and `mosquitto_pub` to publish.
/// (`user` is the test's own: run as root, mosquitto would otherwise switch to the user
/// `mosquitto`, which cannot write the log in the test's directory; its file log is flushed
/// line by line, its stdout is not.)
final class TestBroker: Sendable {
    let port: Int
    let directory: String
    private let process: Process

    init() async throws {
        port = try Self.freePort()
        directory = TestHub.temporaryDirectory()
        let configuration = """
        listener \(port) 127.0.0.1
        allow_anonymous true
        user \(ProcessInfo.processInfo.userName)
        log_dest file \(directory)/mosquitto.log
        log_type subscribe
        log_type error
        log_type warning

        """
        try configuration.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", directory + "/mosquitto.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let (process, port) = (self.process, self.port)
        try await eventually("mosquitto accepts connections on \(port)") {
            guard process.isRunning else { throw TestFailure("mosquitto exited") }
            return Self.accepts(port: port)
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    var log: String { (try? String(contentsOfFile: directory + "/mosquitto.log", encoding: .utf8)) ?? "" }

    /// Waits until some client has subscribed to `filter` (mosquitto logs `<client> <qos> <filter>`).
    func waitForSubscription(_ filter: String, within seconds: Double = 30) async throws {
        try await eventually("a subscription to \(filter)", within: seconds) {
            self.log.split(separator: "\n").contains { $0.hasSuffix(" " + filter) }
        }
    }

    /// Publishes one message with `mosquitto_pub` (QoS 1).
    func publish(_ topic: String, _ message: String) throws {
        let pub = Process()
        pub.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        pub.arguments = ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic, "-m", message]
        try pub.run()
        pub.waitUntilExit()
        guard pub.terminationStatus == 0 else { throw TestFailure("mosquitto_pub exited \(pub.terminationStatus)") }
    }

    private static func freePort() throws -> Int {
        for _ in 0..<100 {
            let candidate = Int.random(in: 10000..<32000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(candidate)).bigEndian
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
            }
            if bound { return candidate }
        }
        throw TestFailure("no free port below the ephemeral range")
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
