import FlotillaCore
import FlotillaWorkflows
import Foundation
import Testing
import Yams

@testable import FlotillaHub

/// docs/openapi.yaml describes the API the hub serves: the same paths and methods as the routes
/// the hub's router really holds (read from the router itself, so nothing can drift), and the
/// same error codes as ``FlotillaError/Code`` and ``WorkflowErrorCode``.
@Suite struct OpenAPIRoutesTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml").path

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document, parsed.
    static func document() throws -> [String: Any] {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any] else {
            throw TestFailure("\(documentPath) is not a YAML mapping")
        }
        return document
    }

    /// `METHOD /path` for every operation the document describes.
    static func documentedRoutes(_ document: [String: Any]) throws -> Set<String> {
        guard let paths = document["paths"] as? [String: Any] else { throw TestFailure("\(documentPath) has no 'paths'") }
        var routes = Set<String>()
        for (path, item) in paths {
            guard let operations = item as? [String: Any] else { continue }
            for method in methods where operations[method] != nil {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func theDocumentDescribesExactlyTheRoutesTheHubServes() async throws {
        let documented = try Self.documentedRoutes(try Self.document())
        try await TestHub.run { served in
            let registered = Set(HubRouter(hub: served.hub).routes)
            let undocumented = registered.subtracting(documented).sorted()
            let unserved = documented.subtracting(registered).sorted()
            #expect(undocumented.isEmpty, "routes the hub serves that docs/openapi.yaml does not describe: \(undocumented)")
            #expect(unserved.isEmpty, "operations docs/openapi.yaml describes that the hub does not serve: \(unserved)")
            // The comparison itself must have had something to compare.
            #expect(registered.contains("POST /api/tasks") && registered.contains("GET /ws"), "the router enumerated: \(registered.sorted())")
        }
    }

    @Test func theDocumentedErrorCodesAreTheHubs() throws {
        let document = try Self.document()
        let code = (((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["ErrorBody"] as? [String: Any])
            .flatMap { ($0["properties"] as? [String: Any])?["code"] as? [String: Any] }
        let documented = Set((code?["enum"] as? [String]) ?? [])
        // The hub answers a workflow file's or a run's inputs' WorkflowError with its own code (422).
        let real = Set(FlotillaError.Code.allCases.map(\.rawValue)).union(WorkflowErrorCode.allCases.map(\.rawValue))
        #expect(documented.subtracting(real).isEmpty, "codes docs/openapi.yaml lists that the hub does not have: \(documented.subtracting(real).sorted())")
        #expect(real.subtracting(documented).isEmpty, "codes the hub has that docs/openapi.yaml does not list: \(real.subtracting(documented).sorted())")
    }

    /// Every operation but those ``RouteScopes/open`` names (`/health`, the dashboard's pages and
    /// files) needs the bearer token, as the hub's auth middleware does; the monitor socket also
    /// takes it as `?token=`.
    @Test func onlyTheOpenRoutesAreOpenWithoutAToken() throws {
        let document = try Self.document()
        let global = document["security"] as? [[String: Any]]
        #expect(global?.first?["bearer"] != nil, "the document's default security is not the bearer token")
        let paths = document["paths"] as? [String: Any] ?? [:]
        var open: [String] = []
        for (path, item) in paths {
            for (method, operation) in (item as? [String: Any]) ?? [:] where Self.methods.contains(method) {
                if let security = (operation as? [String: Any])?["security"] as? [Any], security.isEmpty { open.append("\(method.uppercased()) \(path)") }
            }
        }
        #expect(Set(open) == RouteScopes.open, "operations documented as open: \(open.sorted())")
    }
}
