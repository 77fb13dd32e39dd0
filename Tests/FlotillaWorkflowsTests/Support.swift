import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

/// Parses a workflow, failing the test with the error when it does not parse.
func parse(_ yaml: String, file: String = "w.yaml", sourceLocation: SourceLocation = #_sourceLocation) throws -> WorkflowDefinition {
    do { return try WorkflowParser.parse(yaml: yaml, file: file) } catch {
        Issue.record("did not parse: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The error a workflow file is refused with (a test failure if it parses).
func refusal(_ yaml: String, file: String = "w.yaml", sourceLocation: SourceLocation = #_sourceLocation) -> WorkflowError? {
    do {
        _ = try WorkflowParser.parse(yaml: yaml, file: file)
        Issue.record("parsed, but should have been refused", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Checks an error's code and place: `line:column` in `w.yaml`.
func expectRefusal(_ yaml: String, _ code: WorkflowErrorCode, at line: Int, _ column: Int, mentioning text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = refusal(yaml, sourceLocation: sourceLocation) else { return }
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    #expect(error.location == WorkflowLocation(file: "w.yaml", line: line, column: column), "\(error)", sourceLocation: sourceLocation)
    if let text { #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation) }
}

/// Evaluates an expression over `values`.
func evaluate(_ text: String, _ values: [String: JSONValue] = [:], status: ExpressionContext.Status = .init()) throws(ExpressionError) -> JSONValue {
    try Expression(text).evaluate(in: ExpressionContext(values, status: status))
}

/// The syntax error an expression is refused with.
func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ExpressionError? {
    do {
        _ = try Expression(text)
        Issue.record("'\(text)' parsed", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A date from an ISO 8601 text with offset (`2026-03-29T01:59:00Z`).
func date(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad date \(text)") }
    return date
}

/// `date` as ISO 8601 in UTC, for readable expectations.
func utc(_ date: Date?) -> String? {
    guard let date else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
}
