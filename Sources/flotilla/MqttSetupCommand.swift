import ArgumentParser
import FlotillaCore
import FlotillaHub
import Foundation

/// `flotilla mqtt setup`: a mosquitto password file and ACL for a swarm (docs/mqtt.md).
struct MqttCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "Broker setup for the MQTT bridge.",
        subcommands: [MqttSetupCommand.self]
    )
}

struct MqttSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Write a mosquitto password file and ACL: the hub may use the whole swarm, each agent its inbox and its reports.",
        discussion: "Defence in depth: the hub and agents authenticate every message themselves (docs/mqtt.md). Writes <out>/passwords, <out>/acl, <out>/mosquitto.conf (include it from the broker's config) and one 0600 file per user under <out>/users with its broker URL."
    )

    @Option(help: "Swarm name: the first level of every topic.") var swarm = "flotilla"
    @Option(name: .customLong("agent"), help: ArgumentHelp("An agent id that gets a broker user (repeat for each).", valueName: "id")) var agents: [String] = []
    @Option(name: .customLong("submitter"), help: ArgumentHelp("A user that may publish on {swarm}/tasks/new (repeat for each).", valueName: "name")) var submitters: [String] = []
    @Option(help: ArgumentHelp("Broker address the URLs name.", valueName: "host:port")) var broker = "127.0.0.1:1883"
    @Option(help: "Directory to write into (created, 0700).") var out = "mosquitto"

    func run() async throws {
        let files: MosquittoAccessFiles
        do { files = try MosquittoAccessFiles(swarm: swarm, agentIDs: agents, submitters: submitters) } catch { throw ValidationError(error.message) }
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/users", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.write(files.passwordFile, to: directory + "/passwords")
        try Self.write(files.aclFile, to: directory + "/acl")
        try Self.write("allow_anonymous false\npassword_file \(directory)/passwords\nacl_file \(directory)/acl\n", to: directory + "/mosquitto.conf")
        for account in [files.hub] + files.agents + files.submitters {
            try Self.write("mqtt://\(account.user):\(account.password)@\(broker)\n", to: directory + "/users/\(account.user)")
        }
        Console.print("wrote \(directory)/{passwords,acl,mosquitto.conf} and a broker URL per user in \(directory)/users (0600)")
        Console.print("add to the broker's config:  include_dir or the lines of \(directory)/mosquitto.conf")
        Console.print("hub:    flotilla hub --mqtt \"$(cat \(directory)/users/\(MosquittoAccessFiles.hubUser))\" --swarm \(swarm)")
        for agent in files.agents {
            Console.print("agent:  flotilla agent --agent-id \(agent.user) --broker \"$(cat \(directory)/users/\(agent.user))\" --swarm \(swarm) --token-file … --hub-key …")
        }
    }

    /// Owner-only from the moment it exists: these files hold passwords.
    static func write(_ text: String, to path: String) throws {
        do { try Hub.writeSecretFile(path, contents: text) } catch { throw Console.fail("error: \(error)") }
    }
}
