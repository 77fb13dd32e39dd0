import FlotillaAgent
import FlotillaCore
import FlotillaGoals
import FlotillaTmux
import FlotillaWorkflows
import MQTT
import Testing

/// Every module's error codes against the tables of docs/ (the contract clients match on), and
/// the one shape all of them print in.
@Suite("Error codes")
struct ErrorCodeTests {
    /// Each module's codes in declaration order, with the doc table that documents them.
    static let modules: [(name: String, codes: [String], file: String, heading: String)] = [
        ("FlotillaError", FlotillaErrorCode.allCases.map(\.rawValue), "api.md", "## Errors"),
        ("AgentError", AgentErrorCode.allCases.map(\.rawValue), "errors.md", "## Agent"),
        ("FleetError", FleetErrorCode.allCases.map(\.rawValue), "errors.md", "## Fleet"),
        ("TmuxError", TmuxErrorCode.allCases.map(\.rawValue), "errors.md", "## tmux"),
        ("MQTTError", MQTTError.Code.allCases.map(\.rawValue), "mqtt.md", "### Error codes (`MQTTError.Code.rawValue`)"),
        ("WorkflowError", WorkflowErrorCode.allCases.map(\.rawValue), "errors.md", "## Workflow"),
        ("GoalError", GoalErrorCode.allCases.map(\.rawValue), "errors.md", "## Goals"),
    ]

    @Test("each module's codes are exactly the ones its docs table lists, none twice")
    func documented() throws {
        for module in Self.modules {
            let documented = try DocTable.names(in: module.file, under: module.heading)
            #expect(Set(module.codes).count == module.codes.count, "\(module.name) repeats a code")
            #expect(Set(documented).count == documented.count, "docs/\(module.file) lists a \(module.name) code twice")
            #expect(module.codes.sorted() == documented.sorted(), "\(module.name) codes differ from docs/\(module.file)")
        }
    }

    @Test("no two modules use one code, except unauthorized: the hub refused the token, in both")
    func uniqueAcrossModules() {
        var owners: [String: [String]] = [:]
        for module in Self.modules {
            for code in module.codes { owners[code, default: []].append(module.name) }
        }
        let shared = owners.filter { $0.value.count > 1 }
        #expect(shared == ["unauthorized": ["FlotillaError", "AgentError"]])
    }

    @Test("every module's errors print as `code: message`")
    func printed() {
        for code in FlotillaErrorCode.allCases {
            #expect("\(FlotillaError(code, "m"))" == "\(code.rawValue): m")
            // The API's messages name their field already; the field goes to JSON, not the text.
            #expect("\(FlotillaError(code, "m", field: "f"))" == "\(code.rawValue): m")
        }
        for code in AgentErrorCode.allCases { #expect("\(AgentError(code, "m"))" == "\(code.rawValue): m") }
        for code in TmuxErrorCode.allCases { #expect("\(TmuxError(code, "m"))" == "\(code.rawValue): m") }
        for code in FleetErrorCode.allCases {
            #expect("\(FleetError(code, "m"))" == "\(code.rawValue): m")
            // A fleet file's field is the place in the file, which the message does not repeat.
            #expect("\(FleetError(code, "m", field: "agents[0].colour"))" == "\(code.rawValue): agents[0].colour: m")
        }
        for code in MQTTError.Code.allCases { #expect("\(MQTTError(code, "m"))" == "\(code.rawValue): m") }
        for code in WorkflowErrorCode.allCases {
            // A workflow file's field is FILE:LINE:COLUMN, as a compiler prints it.
            #expect("\(WorkflowError(code, "m", field: "w.yaml:3:7"))" == "\(code.rawValue): w.yaml:3:7: m")
        }
        #expect("\(MQTTError(.connectionRefused, "m", reasonCode: 0x87))" == "connection_refused (reason 0x87): m")
    }
}
