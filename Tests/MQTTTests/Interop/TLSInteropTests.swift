import Foundation
import NIOSSL
import Testing

@testable import MQTT

/// `mqtts://` against a real mosquitto TLS listener with a certificate from a test CA.
@Suite(.timeLimit(.minutes(1))) struct TLSInteropTests {
    /// A CA and a server certificate for 127.0.0.1, made with the openssl CLI.
    static func makeCertificates(in directory: String) async throws {
        let script = """
            set -e; cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=flotilla-test-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
            chmod 644 ca.crt server.crt server.key
            """
        let openssl = try ChildProcess("/bin/sh", ["-c", script])
        let status = try await openssl.waitForExit(timeout: .seconds(30))
        guard status == 0 else { throw WaitTimeout(description: "openssl failed: \(openssl.text)") }
    }

    static func tlsBroker() async throws -> Mosquitto {
        let directory = NSTemporaryDirectory() + "mqtt-tls-\(UUID().uuidString.prefix(8))"
        return try await Mosquitto(
            listenerOptions: "cafile \(directory)/ca.crt\ncertfile \(directory)/server.crt\nkeyfile \(directory)/server.key",
            directory: directory,
            prepare: makeCertificates
        )
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func publishAndReceiveOverTLSBothWays(version: MQTTProtocolVersion) async throws {
        let broker = try await Self.tlsBroker()
        var configuration = try MQTTClient.Configuration(url: "mqtts://127.0.0.1:\(broker.port)")
        #expect(configuration.tls != nil)
        configuration.version = version
        configuration.tls?.trustRoots = .file(broker.directory + "/ca.crt")
        let sub = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub",
            "-h", "127.0.0.1", "-p", "\(broker.port)", "--cafile", broker.directory + "/ca.crt",
            "-t", "tls/out", "-C", "1", "-d",
        ])
        try await sub.waitForOutput { $0.contains("received SUBACK") }
        try await MQTTClient.withConnection(configuration) { client in
            let inbound = try await client.subscribe(to: "tls/in", qos: .atLeastOnce)
            try await client.publish(to: "tls/out", payload: "sealed", qos: .atLeastOnce)
            let publisher = try ChildProcess("/usr/bin/mosquitto_pub", [
                "-h", "127.0.0.1", "-p", "\(broker.port)", "--cafile", broker.directory + "/ca.crt", "-q", "1", "-t", "tls/in", "-m", "from-c",
            ])
            #expect(try await publisher.waitForExit() == 0, "\(publisher.text)")
            let received = try await withDeadline(.seconds(5), "a message over TLS") {
                for await message in inbound { return message.payloadString }
                return ""
            }
            #expect(received == "from-c")
        }
        #expect(try await sub.waitForExit() == 0)
        #expect(sub.lines.contains("sealed"))
    }

    @Test func aCertificateFromAnUntrustedCAIsRefused() async throws {
        let broker = try await Self.tlsBroker()
        var configuration = try MQTTClient.Configuration(url: "mqtts://127.0.0.1:\(broker.port)")
        configuration.reconnect = nil
        configuration.connectTimeout = .seconds(5)
        // System roots only: the test CA is not among them.
        let client = MQTTClient(configuration: configuration)
        let outcome: Result<Void, any Error> = try await withDeadline(.seconds(15), "the TLS handshake fails") {
            do { try await client.run(); return .success(()) } catch { return .failure(error) }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("connected to a broker whose certificate no trusted CA signed")
            return
        }
        #expect((error as? MQTTError)?.code == .tlsFailed, "\(error)")
        #expect("\(error)".contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
        #expect(!client.isConnected)
    }
}
