import Foundation
import Synchronization

/// A real mosquitto on a port of its own, which a test can kill and start again on that port.
final class Broker: Sendable {
    let port: Int
    let directory: String
    private let current: Mutex<Process?>

    /// - Parameter configuration: more lines for mosquitto.conf (e.g. `max_packet_size 4096`,
    ///   or what `flotilla mqtt setup` wrote, which turns anonymous access off).
    init(configuration extra: String = "") async throws {
        port = try LiveHub.freePort()
        directory = Paths.temporaryDirectory("mosquitto")
        let anonymous = extra.contains("allow_anonymous") ? "" : "allow_anonymous true\n"
        try "listener \(port) 127.0.0.1\n\(anonymous)max_queued_messages 100000\n\(extra)"
            .write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        current = Mutex(nil)
        try await start()
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    /// Starts mosquitto and waits until it accepts connections.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", directory + "/mosquitto.conf"]
        let logPath = directory + "/mosquitto.log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        // Appends, so the log of a broker killed earlier in the test is kept.
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()  // the child has its own copy (see AgentProcess)
        current.withLock { $0 = process }
        let port = self.port
        try await eventually("mosquitto accepts connections on \(port)", within: 60) {
            guard process.isRunning else { throw TestFailure("mosquitto exited: \(self.log)") }
            return Self.accepts(port: port)
        }
    }

    /// Kills the broker outright: no wills, no goodbyes, sessions and retained messages gone.
    func kill() async throws {
        guard let process = current.withLock({ $0 }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        try await eventually("mosquitto exits", within: 30) { !process.isRunning }
    }

    var log: String { (try? String(contentsOfFile: directory + "/mosquitto.log", encoding: .utf8)) ?? "" }

    deinit {
        if let process = current.withLock({ $0 }), process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
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
