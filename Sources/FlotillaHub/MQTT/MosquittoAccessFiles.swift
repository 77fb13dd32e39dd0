import Crypto
public import FlotillaCore
import Foundation

/// A mosquitto password file and ACL for one swarm (`flotilla mqtt setup`, issue 20 item 1):
/// defence in depth beside the end-to-end proofs of ``MessageAuth``. The broker then refuses
/// anonymous clients, lets each agent read only its own inbox (plus broadcast and the hub's
/// status) and write only its reports, and the hub everything under the swarm.
///
/// It cannot stop an agent from writing to another agent's inbox or to broadcast (agents talk to
/// each other there), which is why agents check the hub's signature on every command.
public struct MosquittoAccessFiles: Sendable {
    public struct Account: Sendable, Hashable {
        public var user: String
        public var password: String
    }

    public let swarm: String
    public let hub: Account
    public let agents: [Account]
    public let submitters: [Account]

    /// The broker user the hub connects as.
    public static let hubUser = "flotilla-hub"

    /// New random passwords for the hub, each agent id and each submitter.
    public init(swarm: String, agentIDs: [String], submitters: [String]) throws(FlotillaError) {
        guard SwarmTopics.isValidSwarm(swarm) else {
            throw FlotillaError(.invalidField, "--swarm '\(swarm)' must be one topic level: not empty, without '/', '+' or '#'.", field: "swarm")
        }
        for name in agentIDs + submitters {
            guard !name.isEmpty, name != Self.hubUser, !name.contains(where: { "/+#: \t\n\u{0}".contains($0) }) else {
                throw FlotillaError(.invalidField, "'\(name)' cannot be a broker user: use an agent id without '/', '+', '#', ':' or spaces, other than \(Self.hubUser).", field: "agent")
            }
        }
        guard Set(agentIDs + submitters).count == agentIDs.count + submitters.count else {
            throw FlotillaError(.invalidField, "Each agent id and submitter may be named once.", field: "agent")
        }
        self.swarm = swarm
        hub = Account(user: Self.hubUser, password: Self.newPassword())
        agents = agentIDs.map { Account(user: $0, password: Self.newPassword()) }
        self.submitters = submitters.map { Account(user: $0, password: Self.newPassword()) }
    }

    /// mosquitto's `password_file`: `user:$6$<salt>$<sha512(password+salt)>`, base64 (the
    /// format `mosquitto_passwd` wrote before 2.0, which mosquitto 2 still reads).
    public var passwordFile: String {
        ([hub] + agents + submitters).map { "\($0.user):\(Self.hash($0.password))\n" }.joined()
    }

    /// mosquitto's `acl_file`.
    public var aclFile: String {
        var out = "# Written by `flotilla mqtt setup` for swarm '\(swarm)' (docs/mqtt.md).\n\n"
        out += "user \(hub.user)\ntopic readwrite \(swarm)/#\n"
        for agent in agents {
            let id = agent.user
            out += "\n# agent \(id): its inbox, broadcast and the hub's presence in; its reports out.\nuser \(id)\n"
            out += "topic read \(swarm)/agents/\(id)/inbox\ntopic read \(swarm)/hub/status\n"
            out += "topic readwrite \(swarm)/broadcast\ntopic readwrite \(swarm)/agents/\(id)/status\n"
            for leaf in ["agents/register", "agents/heartbeat", "agents/shutdown", "tasks/assigned", "tasks/progress", "tasks/complete", "tasks/failed", "tasks/usage", "approvals/requests"] {
                out += "topic write \(swarm)/\(leaf)\n"
            }
            out += "# Direct messages between agents; commands there are refused unsigned.\ntopic write \(swarm)/agents/+/inbox\n"
        }
        for submitter in submitters {
            out += "\n# submitter \(submitter.user)\nuser \(submitter.user)\ntopic write \(swarm)/tasks/new\n"
            out += "topic read \(swarm)/tasks/accepted\ntopic read \(swarm)/tasks/rejected\n"
        }
        return out
    }

    static func newPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
    }

    static func hash(_ password: String, salt: [UInt8] = (0..<12).map { _ in UInt8.random(in: 0...255) }) -> String {
        var hasher = SHA512()
        hasher.update(data: Data(password.utf8))
        hasher.update(data: salt)
        return "$6$\(Data(salt).base64EncodedString())$\(Data(hasher.finalize()).base64EncodedString())"
    }
}
