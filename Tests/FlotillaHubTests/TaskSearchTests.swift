import FlotillaClient
import FlotillaCore
import Testing

/// Issue 22 (Tasks view): `GET /api/tasks?q=` finds tasks by text in their prompt or by id,
/// together with the other filters and paging, on a real hub.
@Suite struct TaskSearchTests {
    static func ids(_ page: JSONValue) -> [String] {
        page["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func searchMatchesPromptTextCaseInsensitivelyLiterallyAndIDs() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(batch: [
                ["id": "unicode", "type": "code.generate", "prompt": "Réparer le BUG «Ärger» in the parser"],
                ["id": "percent", "type": "code.generate", "prompt": "Raise coverage to 100% in core"],
                ["id": "underscore", "type": "testing.run", "role": "testing", "prompt": "Rename snake_case helpers"],
                ["id": "quoted", "type": "code.generate", "prompt": "Say \"hello\"\nthen\tstop"],
                ["id": "silent", "type": "code.generate"],
            ])
            func search(_ query: [String: String]) async throws -> [String] { Self.ids(try await hub.client.tasks(query: query)) }
            // Unicode-aware case folding: upper in the prompt, lower in the search, and back.
            #expect(try await search(["q": "ärger"]) == ["unicode"])
            #expect(try await search(["q": "RÉPARER le bug"]) == ["unicode"])
            // `%` and `_` are plain characters, not LIKE wildcards matching everything.
            #expect(try await search(["q": "%"]) == ["percent"])
            #expect(try await search(["q": "_"]) == ["underscore"])
            // The prompt as written, not the spec's JSON text with its escapes.
            #expect(try await search(["q": "\"hello\"\nthen"]) == ["quoted"])
            #expect(try await search(["q": "\\n"]).isEmpty)
            #expect(try await search(["q": "prompt"]).isEmpty)
            // An exact id, even one whose prompt says nothing of it.
            #expect(try await search(["q": "silent"]) == ["silent"])
            // With the other filters.
            #expect(try await search(["q": "re", "role": "testing"]) == ["underscore"])
            #expect(try await search(["q": "re", "state": "queued", "type": "code.generate"]).sorted() == ["percent", "unicode"])
            // Paging goes on after the cursor within the search.
            let first = try await hub.client.tasks(query: ["q": "r", "limit": "2"])
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let second = try await search(["q": "r", "limit": "2", "cursor": cursor])
            #expect(Set(Self.ids(first)).isDisjoint(with: second))
            #expect(Set(Self.ids(first) + second) == ["unicode", "percent", "underscore"])
            // An empty search is no search.
            #expect(try await search(["q": ""]).count == 5)
        }
    }

    @Test func aSearchLongerThan500CharactersIsRefused() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["type": "code.generate", "prompt": .string(String(repeating: "a", count: 600))])
            let ok = try await hub.client.answer(.GET, "/api/tasks?q=" + String(repeating: "a", count: 500))
            #expect(ok.status == 200 && ok.body["tasks"]?.arrayValue?.count == 1)
            let refused = try await hub.client.answer(.GET, "/api/tasks?q=" + String(repeating: "a", count: 501))
            #expect(refused.status == 400)
            #expect(refused.body["error"]?["code"] == "invalid_field")
            #expect(refused.body["error"]?["field"] == "q")
        }
    }

    /// Several states merge one ordered page per state: the pages still come newest first
    /// across states, each task once.
    @Test func severalStatesPageNewestFirstAcrossStates() async throws {
        try await TestHub.run { hub in
            for index in 0..<6 {
                _ = try await hub.client.submit(["id": .string("p\(index)"), "type": "code.generate", "role": "nobody", "prompt": "page me"])
            }
            for id in ["p1", "p3", "p4"] { _ = try await hub.client.cancel(id) }
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<5 {
                var query = ["state": "cancelled,queued,dead", "limit": "2", "q": "page"]
                if let cursor { query["cursor"] = cursor }
                let page = try await hub.client.tasks(query: query)
                seen += Self.ids(page)
                cursor = page["next_cursor"]?.stringValue
                if cursor == nil { break }
            }
            #expect(seen == ["p5", "p4", "p3", "p2", "p1", "p0"])
            #expect(Self.ids(try await hub.client.tasks(query: ["state": "cancelled,dead"])) == ["p4", "p3", "p1"])
        }
    }
}
