import FlotillaCore
import Testing

/// The event kinds the hub records against docs/api.md's table of event types, which clients
/// filter and match on.
@Suite("Event kinds in the docs")
struct EventKindDocsTests {
    @Test("docs/api.md's event types are exactly EventKind's, none twice")
    func documented() throws {
        let documented = try DocTable.names(in: "api.md", under: "### Event types")
        #expect(Set(documented).count == documented.count)
        #expect(documented.sorted() == EventKind.allCases.map(\.rawValue).sorted())
    }
}
