@testable import FlotillaCore
import Testing

/// The redactor's anchor search over ASCII bytes (streamed output's fast path) finds what the
/// Unicode path finds: any case, at the very start and end, and text that is not ASCII still
/// goes the Unicode way.
@Suite struct SecretRedactorAnchorTests {
    @Test func asciiAndUnicodeTextAreRedactedAlike() {
        #expect(SecretRedactor.redact("AUTHORIZATION: Bearer abcdefgh12345") == "AUTHORIZATION: [redacted]")
        #expect(SecretRedactor.redact("flt_abc_def") == "flt_abc_[redacted]")
        #expect(SecretRedactor.redact("key sk-0123456789abcdefXYZ") == "key sk-[redacted]")
        #expect(SecretRedactor.redact("é authorization: secret-value") == "é authorization: [redacted]")
        let long = String(repeating: "x", count: 200_000) + " ghp_0123456789abcdefghijKLMN"
        #expect(SecretRedactor.redact(long).hasSuffix(" ghp_[redacted]"))
        #expect(SecretRedactor.redact("nothing to see: gh") == "nothing to see: gh")
    }

    @Test func theByteSearchFindsAnchorsAnywhere() {
        let lowered = SecretRedactor.Lowered("ABC-GITHUB_PAT_")
        #expect(lowered.contains(Array("github_pat_".utf8), "github_pat_"))
        #expect(lowered.contains(Array("abc".utf8), "abc"))
        #expect(!lowered.contains(Array("github_pat_x".utf8), "github_pat_x"))
        #expect(!SecretRedactor.Lowered("").contains(Array("a".utf8), "a"))
    }
}
