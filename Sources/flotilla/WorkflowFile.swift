import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// A workflow file read for the hub, and the hub's refusal of one printed as a compiler would.
struct WorkflowFile {
    /// The path as given: the hub's errors name it (`deploy.yaml:12:5`).
    var path: String
    var source: String

    /// Reads `path`; a file that cannot be read exits 66 with the reason.
    static func read(_ path: String) throws -> WorkflowFile {
        do {
            return WorkflowFile(path: path, source: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            Console.printError("error: cannot read the workflow file '\(path)': \(Self.reason(error))")
            throw WorkflowExit.noInput
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    /// Runs `body` against the hub. A `workflow_*` refusal (a file that does not parse, a cycle,
    /// a bad input) is printed as `FILE:LINE:COLUMN: code: message` (or with the input it
    /// concerns) and exits 65; other errors as every client command prints them.
    static func calling<Value>(_ client: ClientOptions, _ body: (HubClient) async throws -> Value) async throws -> Value {
        do {
            return try await body(client.makeClient())
        } catch let failure as HubClient.Failure where failure.code.hasPrefix("workflow_") && failure.status == 422 {
            Console.printError(describe(failure))
            throw WorkflowExit.dataError
        } catch {
            throw ClientOptions.report(error, hubURL: client.resolvedURL, tokenSource: client.tokenLookup.source)
        }
    }

    /// `deploy.yaml:12:5: workflow_unknown_field: unknown field 'neds'…` for a place in a
    /// file; `error: workflow_invalid_input: inputs.branch: …` for an input.
    static func describe(_ failure: HubClient.Failure) -> String {
        guard let field = failure.field else { return "error: \(failure.code): \(failure.message)" }
        if field.hasPrefix("inputs.") || field == "inputs" { return "error: \(failure.code): \(field): \(failure.message)" }
        return "\(field): \(failure.code): \(failure.message)"
    }
}

/// `--input NAME=VALUE` options: each value is sent as text (the hub reads it as the input's
/// declared type), or with `NAME=@path`, the text of a file.
struct WorkflowInputOptions: ParsableArguments {
    @Option(name: .customLong("input"), help: ArgumentHelp("An input of the run, NAME=VALUE or NAME=@file (repeatable); the hub reads VALUE as the input's type.", valueName: "name=value"))
    var entries: [String] = []

    func validate() throws { _ = try parsed() }

    /// The inputs by name; a malformed entry, a name given twice or an unreadable file is an error.
    func parsed() throws -> [String: JSONValue] {
        var inputs: [String: JSONValue] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError("--input '\(entry)' must be NAME=VALUE (or NAME=@file), e.g. --input branch=main.")
            }
            let name = String(entry[..<equals])
            var value = String(entry[entry.index(after: equals)...])
            guard inputs[name] == nil else { throw ValidationError("--input '\(name)' is given twice.") }
            if value.hasPrefix("@") {
                let path = String(value.dropFirst())
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("--input \(name)=@\(path): cannot read the file '\(path)'.")
                }
                value = text
            }
            inputs[name] = .string(value)
        }
        return inputs
    }
}
