import AsyncHTTPClient
import FlotillaCore
import Foundation
import NIOCore
import NIOHTTP1
import Subprocess
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Carries out one attempt of a delivery: posts its HTTP request with AsyncHTTPClient, or runs
/// its command with Subprocess, within the target's timeout. The answer is nil for success,
/// else why it failed, in words that never hold the URL (a Slack or ntfy URL is a secret) nor
/// a header.
struct NotificationSender: Sendable {
    /// One client for every notification: refused connections fail at once (the retry
    /// schedule is ours), redirects are not followed (a receiver answers, or fails).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func send(_ request: NotificationRequest, timeout: Double) async -> String? {
        switch request {
        case .http(let url, let headers, let body):
            return await post(url: url, headers: headers, body: body, timeout: timeout)
        case .command(let command, let stdin, let environment):
            return await run(command, stdin: stdin, environment: environment, timeout: timeout)
        }
    }

    private func post(url: String, headers: [NotificationRequest.Header], body: [UInt8], timeout: Double) async -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "flotilla/\(FlotillaVersion.current)")
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await Self.client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let answer = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            guard (200..<300).contains(response.status.code) else {
                let said = answer.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
                return "HTTP \(response.status.code)\(said.isEmpty ? "" : ": \(said)")"
            }
            return nil
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return "no answer within \(Self.seconds(timeout))"
        } catch {
            // AsyncHTTPClient's errors name the failure (refused, TLS, DNS), not the request.
            return "cannot reach the receiver: \(String(describing: error).prefix(200))"
        }
    }

    /// `sh -c command` in its own process group with `stdin` written and closed; the whole
    /// group is killed when it outlives `timeout`. Non-zero exit: failed, with stderr's end.
    private func run(_ command: String, stdin: [UInt8], environment: [String: String], timeout: Double) async -> String? {
        // The basics (PATH, HOME, locale…), not the hub's other variables (API keys, tokens);
        // the delivery's own FLOTILLA_* variables go on after the credentials are taken out.
        let variables = ChildEnvironment.scrubbed(ProcessInfo.processInfo.environment).merging(environment) { _, own in own }
        let started = StartedProcess()
        enum Ending: Sendable { case exited(TerminationStatus, String), timedOut, failed(String) }
        let ending: Ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                var options = PlatformOptions()
                options.processGroupID = 0
                var childEnvironment: [Environment.Key: String] = [:]
                for (name, value) in variables { childEnvironment[Environment.Key(stringLiteral: name)] = value }
                do {
                    let result = try await Subprocess.run(
                        .name("sh"), arguments: ["-c", command], environment: .custom(childEnvironment),
                        platformOptions: options, input: .array(stdin), output: .discarded, error: .string(limit: 64 << 10)
                    ) { execution in
                        started.pid.withLock { $0 = execution.processIdentifier.value }
                    }
                    return .exited(result.terminationStatus, result.standardError)
                } catch {
                    return .failed("the command could not run: \(String(describing: error).prefix(200))")
                }
            }
            group.addTask {
                do { try await Task.sleep(for: .milliseconds(Int64(timeout * 1000))) } catch { return nil }
                return .timedOut
            }
            while let next = await group.next() {
                guard let next else { continue }
                if case .timedOut = next {
                    if let pid = started.pid.withLock({ $0 }) { kill(-pid, SIGKILL) }
                    while await group.next() != nil {}
                    return .timedOut
                }
                group.cancelAll()
                return next
            }
            return .failed("the command was cancelled")
        }
        switch ending {
        case .exited(.exited(0), _):
            return nil
        case .exited(let status, let stderr):
            let tail = stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(200)
            let how = switch status {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
            return "the command failed (\(how))\(tail.isEmpty ? "" : ": \(tail)")"
        case .timedOut:
            return "the command did not finish within \(Self.seconds(timeout)) (killed)"
        case .failed(let reason):
            return reason
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// The pid of a command once it started, for the timeout to kill its process group.
private final class StartedProcess: Sendable {
    let pid = Mutex<pid_t?>(nil)
}
