/// How the hub serves agents and publishes its events on an MQTT broker (`flotilla hub --mqtt`).
public struct MQTTBridgeConfiguration: Sendable {
    /// Broker URL: `mqtt://[user[:password]@]host[:port]` or `mqtts://…`.
    public var url: String
    /// First topic level of every topic (`flotilla agent --swarm`). Default `flotilla`.
    public var swarm: String
    /// The hub's MQTT client id. Default `flotilla-hub-<swarm>`, so a restarted hub resumes the
    /// session the broker kept and reads what was published to it while it was down.
    public var clientID: String?
    /// How long the broker keeps the hub's session after a disconnect, in seconds. Default 86,400.
    public var sessionExpirySeconds: Int

    /// Whether `{swarm}/tasks/new` and the request topics take submissions that carry no proof
    /// (plain publishers such as `mosquitto_pub`). Default false: a submission must carry `metadata.auth`
    /// made with an admin token (docs/mqtt.md), since a task runs commands on agents. Either way
    /// nothing can forge what the hub sends agents.
    public var allowUnsignedSubmissions: Bool
    /// Whether agents that sign nothing (plain MQTT clients, `mosquitto_pub`) may register, under an id
    /// no live token is bound to. Default false. Their own attempts are then as open as the
    /// broker is; a signed agent's never are, and assignments stay signed either way.
    public var allowUnsignedAgents: Bool

    public init(url: String, swarm: String = "flotilla", clientID: String? = nil, sessionExpirySeconds: Int = 86_400, allowUnsignedSubmissions: Bool = false, allowUnsignedAgents: Bool = false) {
        self.allowUnsignedAgents = allowUnsignedAgents
        self.url = url
        self.allowUnsignedSubmissions = allowUnsignedSubmissions
        self.swarm = swarm
        self.clientID = clientID
        self.sessionExpirySeconds = sessionExpirySeconds
    }
}
