import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Prints an attempt's output as the agent streamed it; with `-f`, follows it live (across
/// retries) until the task is final.
struct TasksLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's output (the latest attempt's, or --attempt N); -f follows it until the task ends.",
        discussion: "The text is what the program printed, ANSI colours included; a retry is announced on standard error."
    )

    @OptionGroup var target: IDArguments<TaskSubject>

    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Follow the output live until the task is in a final state.")
    var follow = false

    @Option(help: "The attempt to show (default: the latest).")
    var attempt: Int?

    @Option(help: ArgumentHelp("Without -f: print only the last BYTES of output (default 65536).", valueName: "bytes"))
    var tail: Int?

    var client: ClientOptions { target.client }

    func validate() throws {
        if let attempt, attempt < 1 { throw ValidationError("--attempt must be 1 or more.") }
        if let tail, tail < 0 { throw ValidationError("--tail must not be negative.") }
    }

    func run() async throws {
        let id = target.id.pathSegment
        guard follow else {
            let answer = try await client.call { try await $0.taskOutput(id, attempt: attempt, tail: tail) }
            if client.json { return Console.print(answer.jsonString) }
            Console.printRaw(answer["text"]?.stringValue ?? "")
            if answer["truncated"]?.boolValue == true {
                Console.printError("(only the last part of \(answer["bytes"]?.intValue ?? 0) bytes shown; use --tail to see more)")
            }
            return
        }
        try await client.call { hub in
            var endsLine = true
            for try await event in hub.followOutput(id, attempt: attempt) {
                switch event {
                case .output(let attempt, let offset, let text, _):
                    if client.json {
                        Console.print((["event": "output", "attempt": .int(Int64(attempt)), "offset": .int(Int64(offset)), "text": .string(text)] as JSONValue).jsonString)
                    } else {
                        Console.printRaw(text)
                        endsLine = text.hasSuffix("\n")
                    }
                case .attempt(let number):
                    if client.json { Console.print((["event": "attempt", "attempt": .int(Int64(number))] as JSONValue).jsonString); continue }
                    if !endsLine { Console.printRaw("\n"); endsLine = true }
                    Console.printError("--- attempt \(number) ---")
                case .end(let attempt, let state):
                    if client.json { Console.print((["event": "end", "attempt": attempt.map { .int(Int64($0)) } ?? .null, "state": .string(state)] as JSONValue).jsonString); continue }
                    if !endsLine { Console.printRaw("\n") }
                    Console.printError("--- task \(state)\(attempt.map { " (attempt \($0))" } ?? "") ---")
                }
            }
        }
    }
}
