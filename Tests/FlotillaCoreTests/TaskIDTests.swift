import FlotillaCore
import Testing

/// Task ids become worktree paths, branch names and topic words: only a safe alphabet passes.
@Suite struct TaskIDTests {
    @Test("an unsafe id is refused with invalid_field on 'id'", arguments: [
        "../../../../home/u/proj", "a/b", "a:b", "-rf", "--force", ".hidden", "a..b", "x.lock", "x.",
        "with space", "tab\tid", "new\nline", "ü", String(repeating: "a", count: 65), "",
    ])
    func unsafeIDs(id: String) throws {
        let error = #expect(throws: FlotillaError.self) { try TaskSpec(json: ["type": "x", "id": .string(id)]) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "id")
        #expect(error?.message.contains("Choose an id like") == true)
        #expect(!TaskID.isSafe(id))
    }

    @Test("an unsafe id in a batch names its position")
    func batchField() throws {
        let error = #expect(throws: FlotillaError.self) { try TaskSpec(json: ["type": "x", "id": "a/b"], index: 3) }
        #expect(error?.field == "tasks[3].id")
    }

    @Test("ids the project and its users already use keep working", arguments: [
        "t-1", "t1", "build-42", "review_7.1", "t3-17", "deploy-1", "smoke-1", "batch-1", "msg_abc123", "_x", "A.b-C_d", "0",
    ])
    func safeIDs(id: String) throws {
        #expect(try TaskSpec(json: ["type": "x", "id": .string(id)]).id == id)
    }

    @Test("generated ids are safe")
    func generatedIDs() {
        let generator = IDGenerator()
        for _ in 0..<1000 { #expect(TaskID.isSafe(generator.next())) }
    }

    @Test("a repo that would read as an option of git is refused", arguments: ["--upload-pack=touch /tmp/x", "-c", "", "a\nb"])
    func optionLikeRepo(repo: String) throws {
        let error = #expect(throws: FlotillaError.self) { try TaskSpec(json: ["type": "x", "repo": .string(repo)]) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "repo")
    }
}
