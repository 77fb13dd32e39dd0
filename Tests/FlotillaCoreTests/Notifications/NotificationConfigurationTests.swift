import Testing
@testable import FlotillaCore

/// The notifications file: what it reads, and each mistake refused by its field before the
/// hub starts.
@Suite struct NotificationConfigurationTests {
    static let valid: JSONValue = [
        "targets": [
            "ops": ["kind": "webhook", "url": "https://ops.example/hook", "secret_file": "/etc/ops.key", "timeout": "5s"],
            "team": ["kind": "slack", "url_file": "slack.url"],
            "phone": ["kind": "ntfy", "url": "https://ntfy.sh/fleet", "token_file": "ntfy.token"],
            "log": ["kind": "command", "command": "cat >> /tmp/notes"],
        ],
        "subscriptions": [
            ["target": "phone", "events": ["approval.requested", "task.dead"]],
            ["name": "tester-failures", "target": "ops", "events": "task.failed", "filter": ["role": "tester", "type": "testing.*"]],
        ],
        "retry": [0.5, "2s", "1m"],
        "suppress": "5m",
    ]

    @Test func aValidFileIsReadWithItsDefaultsAndNames() throws {
        let configuration = try NotificationConfiguration(json: Self.valid)
        #expect(configuration.targets.count == 4)
        #expect(configuration.targets["ops"]?.kind == .webhook)
        #expect(configuration.targets["ops"]?.timeout == 5)
        #expect(configuration.targets["team"]?.timeout == 10)
        #expect(configuration.subscriptions.map(\.name) == ["phone#0", "tester-failures"])
        #expect(configuration.subscriptions[1].events == ["task.failed"])
        #expect(configuration.subscriptions[1].filter == NotificationFilter(types: ["testing.*"], roles: ["tester"]))
        #expect(configuration.retry.delays == [0.5, 2, 60])
        #expect(configuration.retry.maxAttempts == 4)
        #expect(configuration.suppressWindow == 300)
        #expect(configuration.subscribedKinds == ["approval.requested", "task.dead", "task.failed"])
        // The defaults: 1 s, 5 s, 30 s, 2 min, 10 min; six attempts; a 10-minute window.
        let bare = try NotificationConfiguration(json: ["targets": [:], "subscriptions": []])
        #expect(bare.retry.delays == [1, 5, 30, 120, 600])
        #expect(bare.retry.maxAttempts == 6)
        #expect(bare.suppressWindow == 600)
    }

    @Test func eachMistakeIsRefusedByItsField() {
        func with(_ path: [String], _ value: JSONValue?) -> JSONValue {
            func set(_ node: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
                guard let key = path.first else { return value ?? .null }
                if let index = Int(key), var list = node.arrayValue {
                    list[index] = set(list[index], path.dropFirst())
                    return .array(list)
                }
                var object = node.objectValue ?? [:]
                if path.count == 1, value == nil { object.removeValue(forKey: key) } else { object[key] = set(object[key] ?? .null, path.dropFirst()) }
                return .object(object)
            }
            return set(Self.valid, path[...])
        }
        let cases: [(JSONValue, FlotillaErrorCode, String)] = [
            (with(["subscriptions", "1", "events"], ["task.failed", "task.exploded"]), .invalidField, "subscriptions[1].events[1]"),
            (with(["subscriptions", "0", "events"], ["agent.online"]), .invalidField, "subscriptions[0].events[0]"),
            (with(["subscriptions", "1", "target"], "pager"), .invalidField, "subscriptions[1].target"),
            (with(["subscriptions", "1", "target"], nil), .missingField, "subscriptions[1].target"),
            (with(["subscriptions", "0", "events"], []), .missingField, "subscriptions[0].events"),
            (with(["subscriptions", "1", "filter", "colour"], "red"), .unknownField, "subscriptions[1].filter.colour"),
            (with(["targets", "ops", "url"], "ftp://ops.example/hook"), .invalidField, "targets.ops.url"),
            (with(["targets", "ops", "url"], "https:///nohost"), .invalidField, "targets.ops.url"),
            (with(["targets", "ops", "url"], 42), .invalidField, "targets.ops.url"),
            (with(["targets", "ops", "secret_file"], nil), .missingField, "targets.ops.secret_file"),
            (with(["targets", "ops", "kind"], "pigeon"), .invalidField, "targets.ops.kind"),
            (with(["targets", "ops", "colour"], "red"), .unknownField, "targets.ops.colour"),
            (with(["targets", "ops", "timeout"], "forever"), .invalidField, "targets.ops.timeout"),
            (with(["targets", "team", "url"], "https://hooks.slack.example/x"), .invalidField, "targets.team.url_file"),
            (with(["targets", "team", "url_file"], nil), .missingField, "targets.team.url"),
            (with(["targets", "team", "token_file"], "t"), .invalidField, "targets.team.token_file"),
            (with(["targets", "log", "command"], nil), .missingField, "targets.log.command"),
            (with(["targets", "log", "url"], "https://x.example"), .invalidField, "targets.log.url"),
            (with(["retry", "1"], -3), .invalidField, "retry[1]"),
            (with(["suppress"], "soon"), .invalidField, "suppress"),
            (with(["channels"], []), .unknownField, "channels"),
            (with(["subscriptions"], "all"), .invalidField, "subscriptions"),
            (with(["subscriptions", "0", "name"], "tester-failures"), .invalidField, "subscriptions[1].name"),
        ]
        for (json, code, field) in cases {
            let error = caught { try NotificationConfiguration(json: json) }
            #expect(error?.code == code, "\(field): \(String(describing: error))")
            #expect(error?.field == field, "\(field): \(String(describing: error))")
            #expect(error.map { !$0.message.isEmpty } == true)
        }
    }

    @Test func secretFilesAreReadOnceAndAMissingOrEmptyOneIsRefusedByItsField() throws {
        let configuration = try NotificationConfiguration(json: Self.valid)
        let files = ["/etc/ops.key": "s3cret\n", "slack.url": " https://hooks.slack.example/T/B/X \n", "ntfy.token": "tk_abc"]
        let secrets = try NotificationSecrets.load(configuration) { files[$0] }
        #expect(secrets.secret(of: configuration.targets["ops"]!) == "s3cret")
        #expect(secrets.url(of: configuration.targets["team"]!) == "https://hooks.slack.example/T/B/X")
        #expect(secrets.token(of: configuration.targets["phone"]!) == "tk_abc")
        #expect(!"\(secrets)".contains("s3cret"), "a printed configuration never shows a secret")

        var missing = files
        missing.removeValue(forKey: "/etc/ops.key")
        let error = caught { try NotificationSecrets.load(configuration) { missing[$0] } }
        #expect(error?.field == "targets.ops.secret_file")
        var empty = files
        empty["ntfy.token"] = "  \n"
        #expect(caught { try NotificationSecrets.load(configuration) { empty[$0] } }?.field == "targets.phone.token_file")
    }

    @Test func theRetryScheduleEndsAfterItsLastDelay() {
        let backoff = NotificationBackoff.standard
        #expect(backoff.nextAttempt(after: 1, now: 100) == 101)
        #expect(backoff.nextAttempt(after: 2, now: 100) == 105)
        #expect(backoff.nextAttempt(after: 5, now: 100) == 700)
        #expect(backoff.nextAttempt(after: 6, now: 100) == nil)
    }
}
