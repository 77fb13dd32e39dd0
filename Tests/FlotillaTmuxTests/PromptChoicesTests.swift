import FlotillaCore
import Testing

@testable import FlotillaTmux

/// The answers a prompt on screen offers, read from its own lines, for the tmux fallback of
/// approvals: what a person picks is the key typed.
@Suite struct PromptChoicesTests {
    @Test func claudesNumberedPermissionMenu() throws {
        let classifier = try ScreenClassifier(kind: "claude")
        let screen = try #require(ScreenFixtures.claude.first { $0.0 == "waiting_input" }?.1)
        let choices = PromptChoices.parse(try #require(classifier.promptRegion(screen)))
        #expect(choices == [
            ApprovalChoice(key: "1", label: "Yes", allows: true),
            ApprovalChoice(key: "2", label: "Yes, and don't ask again for rm commands in this project", allows: true),
            ApprovalChoice(key: "3", label: "No, and tell Claude what to do differently (esc)", allows: false),
        ])
    }

    @Test func codexGeminiAiderAndShellPrompts() throws {
        func choices(_ kind: String, _ fixtures: [(String, String)]) throws -> [ApprovalChoice] {
            let classifier = try ScreenClassifier(kind: kind)
            let screen = try #require(fixtures.first { $0.0 == "waiting_input" }?.1)
            return PromptChoices.parse(try #require(classifier.promptRegion(screen)))
        }
        #expect(try choices("codex", ScreenFixtures.codex).map(\.key) == ["1", "2"])
        #expect(try choices("codex", ScreenFixtures.codex).map(\.allows) == [true, false])
        #expect(try choices("gemini", ScreenFixtures.gemini).map(\.allows) == [true, true, false])
        #expect(try choices("gemini", ScreenFixtures.gemini).first?.label == "Yes, allow once")
        let yesNo = [ApprovalChoice(key: "y", label: "Yes", allows: true), ApprovalChoice(key: "n", label: "No", allows: false)]
        #expect(try choices("aider", ScreenFixtures.aider) == yesNo)
        #expect(try choices("shell", ScreenFixtures.shell) == yesNo)
    }

    @Test func onlyTheLastRunNumberedFromOneIsTheMenu() {
        let prompt = """
            Steps I will take:
            1. Build
            2. Test
            Do you want to proceed?
            ❯ 1. Yes
              2. No
            """
        #expect(PromptChoices.parse(prompt).map(\.label) == ["Yes", "No"])
        #expect(PromptChoices.parse("Do you want to proceed?\n❯ 1. Yes").isEmpty, "one line is no menu")
        #expect(PromptChoices.parse("Continue?").isEmpty)
    }

    @Test func aDecisionPicksTheNamedChoiceElseTheFirstThatFits() {
        let menu = [
            ApprovalChoice(key: "1", label: "Yes", allows: true),
            ApprovalChoice(key: "2", label: "Yes, and don't ask again", allows: true),
            ApprovalChoice(key: "3", label: "No", allows: false),
        ]
        #expect(PromptChoices.pick(menu, allow: true, choice: "2")?.key == "2")
        #expect(PromptChoices.pick(menu, allow: true, choice: nil)?.key == "1")
        #expect(PromptChoices.pick(menu, allow: false, choice: nil)?.key == "3")
        #expect(PromptChoices.pick(Array(menu.prefix(2)), allow: false, choice: nil) == nil)
    }
}
