import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Registers a workflow file with the hub, with its triggers (or replaces the one of its name).
struct WorkflowApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Register a workflow file with its triggers, or replace the registered one of its name.",
        discussion: """
            Prints 'NAME created (version 1)' or 'NAME updated (version N)', and the triggers that now \
            start it. Runs already started keep the definition they started with. A file the hub \
            refuses is printed as FILE:LINE:COLUMN: code: message (exit 65) and changes nothing.
            """
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: ArgumentHelp("The workflow file (YAML, docs/workflows.md).", valueName: "file"))
    var file: String

    func run() async throws {
        let workflowFile = try WorkflowFile.read(file)
        let answer = try await WorkflowFile.calling(client) { try await $0.applyWorkflow(source: workflowFile.source, file: workflowFile.path) }
        if client.json {
            Console.print(answer.jsonString)
            return
        }
        let workflow = answer["workflow"] ?? .null
        let verb = answer["created"] == true ? "created" : "updated"
        Console.print("\(Console.cell(workflow["name"])) \(verb) (version \(Console.cell(workflow["version"])))")
        for trigger in workflow["triggers"]?.arrayValue ?? [] {
            var line = "on \(Console.cell(trigger["kind"])): \(Console.cell(trigger["text"]))"
            if let path = trigger["path"]?.stringValue { line += " → POST \(path)" }
            Console.print(line)
        }
    }
}
