import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 20 item 5: `flotilla hub --tls-cert --tls-key` serves HTTPS/WSS; the CLI and a real
/// `flotilla agent` reach it with `--ca-file` (a self-signed certificate made by openssl); a
/// client that does not trust the certificate is refused; plain HTTP on a non-loopback address
/// is refused unless `--insecure`.
@Suite(.serialized) struct TLSHubTests {
    /// A self-signed certificate for 127.0.0.1 and localhost, made by openssl.
    static func makeCertificate() async throws -> (certificate: String, key: String) {
        let directory = Paths.temporaryDirectory("tls")
        let certificate = directory + "/hub.pem", key = directory + "/hub.key"
        let made = try await runProgram("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=flotilla-test-hub",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
        ], within: 60)
        guard made.status == 0 else { throw TestFailure("openssl failed: \(made.output)") }
        return (certificate, key)
    }

    /// A `flotilla hub` process; returns once it printed its admin token and URL.
    final class HubBinary: Sendable {
        let process: Process
        let url: String
        let token: String

        init(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.flotilla)
            process.arguments = ["hub", "--port", "0"] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            var buffer = ""
            let deadline = Date().addingTimeInterval(30)
            var found: (String, String)?
            while Date() < deadline, found == nil {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                buffer += String(decoding: data, as: UTF8.self)
                if let url = buffer.range(of: #"listening on https?://[0-9.]+:[0-9]+"#, options: .regularExpression),
                   let token = buffer.range(of: #"flt_[A-Za-z0-9_-]+"#, options: .regularExpression) {
                    found = (String(buffer[url].dropFirst("listening on ".count)), String(buffer[token]))
                }
            }
            guard let (url, token) = found else {
                process.terminate()
                throw TestFailure("the hub did not report its token and 'listening on': \(buffer)")
            }
            self.process = process
            self.url = url
            self.token = token
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test func aTLSHubServesARealAgentAndTheCLIAndRefusesClientsThatDoNotTrustIt() async throws {
        let (certificate, key) = try await Self.makeCertificate()
        let hub = try HubBinary(["--data-dir", Paths.temporaryDirectory("tls-hub"), "--tls-cert", certificate, "--tls-key", key])
        defer { hub.stop() }
        #expect(hub.url.hasPrefix("https://127.0.0.1:"))
        let agent = try AgentProcess(["--role", "testing", "--agent-id", "tls-tester", "--executor", "shell", "--workdir", Paths.temporaryDirectory(), "--ca-file", certificate], hub: hub.url, token: hub.token)
        defer { agent.stop() }

        let cli = try await runCLI(["submit", "--hub", hub.url, "--token", hub.token, "--ca-file", certificate, "--type", "testing.run", "--payload", #"{"command":"echo over-tls"}"#, "--wait", "--json"])
        #expect(cli.status == 0, "\(cli.output)\n--- agent log:\n\(agent.log)")
        #expect(cli.output.contains(#""state":"succeeded""#))
        #expect(cli.output.contains("over-tls"))
        #expect(agent.log.contains("wss://"), "the agent connected over WSS")

        // Without the CA the certificate is not trusted, and nothing is sent.
        let untrusted = try await runCLI(["tasks", "list", "--hub", hub.url, "--token", hub.token], within: 60)
        #expect(untrusted.status != 0)
        #expect(untrusted.output.lowercased().contains("certificate"), "\(untrusted.output)")
        // Plain HTTP to the TLS port gets no answer a client could take for the API's.
        let plain = try await runCLI(["tasks", "list", "--hub", hub.url.replacingOccurrences(of: "https://", with: "http://"), "--token", hub.token], within: 60)
        #expect(plain.status != 0)
    }

    @Test func aNonLoopbackBindWithoutTLSIsRefusedUnlessInsecure() async throws {
        let directory = Paths.temporaryDirectory("insecure") + "/data"
        let refused = try await runCLI(["hub", "--host", "0.0.0.0", "--port", "0", "--data-dir", directory], within: 60)
        #expect(refused.status != 0)
        #expect(refused.output.contains("--tls-cert") && refused.output.contains("--insecure"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: directory), "a refused start changes nothing")

        let missing = try await runCLI(["hub", "--port", "0", "--data-dir", directory, "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], within: 60)
        #expect(missing.status != 0)
        #expect(missing.output.contains("Cannot read the TLS certificate /nonexistent/cert.pem"), "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: directory))

        let half = try await runCLI(["hub", "--port", "0", "--data-dir", directory, "--tls-cert", "/nonexistent/cert.pem"], within: 60)
        #expect(half.status != 0 && half.output.contains("--tls-cert and --tls-key go together"), "\(half.output)")

        let insecure = try HubBinary(["--host", "0.0.0.0", "--data-dir", directory, "--insecure"])
        defer { insecure.stop() }
        #expect(insecure.url.hasPrefix("http://0.0.0.0:"))
    }
}
