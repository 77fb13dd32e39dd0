import FlotillaAgent
import Foundation
import Testing

/// Issue 19 item 8: what `submit --repo` sends, decided on the submitting side.
@Suite struct RepoReferenceTests {
    @Test(arguments: ["https://github.com/org/app.git", "ssh://git@host/org/app.git", "file:///srv/app.git", "git@github.com:org/app.git", "host:org/app.git"])
    func urlsPassThrough(_ url: String) async throws {
        #expect(RepoReference.isURL(url))
        #expect(try await RepoReference.resolve(url, relativeTo: Paths.temporaryDirectory()) == url)
    }

    @Test func aRelativePathToARepositoryBecomesAbsolute() async throws {
        let (work, _) = try makeRepository()
        let parent = (work as NSString).deletingLastPathComponent
        let resolved = try await RepoReference.resolve("./work/", relativeTo: parent)
        #expect(resolved == URL(fileURLWithPath: work).standardizedFileURL.path)
    }

    @Test func aDirectoryThatIsNotARepositoryOrAMissingPathIsRefused() async throws {
        let plain = Paths.temporaryDirectory("plain")
        await #expect(throws: AgentError.self) { try await RepoReference.resolve(".", relativeTo: plain) }
        do {
            _ = try await RepoReference.resolve("./missing", relativeTo: plain)
            Issue.record("a missing path was accepted")
        } catch {
            #expect(error.code == .badTask)
            #expect(error.message.contains("neither an existing directory"))
        }
    }
}
