import Testing

@testable import FlotillaTmux

@Suite struct ControlModeParserTests {
    @Test func unescapesOctalAndKeepsUTF8() {
        let escaped = Array(#"h\303\251llo\015\012\134x"#.utf8)
        let bytes = ControlModeParser.unescape(escaped)
        #expect(String(decoding: bytes, as: UTF8.self) == "héllo\r\n\\x")
        #expect(ControlModeParser.unescape(Array("é✻".utf8)) == Array("é✻".utf8))
    }

    @Test func framesRepliesAndOutput() {
        var parser = ControlModeParser()
        #expect(parser.feed(Array("%begin 1 2 0".utf8)) == nil)
        #expect(parser.feed(Array("%end 1 2 0".utf8)) == nil)  // not ours (flags 0)
        #expect(parser.feed(Array("%begin 1 3 1".utf8)) == nil)
        #expect(parser.feed(Array("line one".utf8)) == nil)
        #expect(parser.feed(Array("%output inside a reply is text".utf8)) == nil)
        #expect(parser.feed(Array("%end 1 3 1".utf8)) == .reply(lines: ["line one", "%output inside a reply is text"], success: true))
        #expect(parser.feed(Array(#"%output %4 ab\033[1m"#.utf8)) == .output(pane: "%4", bytes: Array("ab\u{1B}[1m".utf8)))
        #expect(parser.feed(Array("%begin 1 5 1".utf8)) == nil)
        #expect(parser.feed(Array("can't find pane".utf8)) == nil)
        #expect(parser.feed(Array("%error 1 5 1".utf8)) == .reply(lines: ["can't find pane"], success: false))
        #expect(parser.feed(Array("%exit".utf8)) == .exit)
    }

    @Test func quotesForTmux() {
        #expect(ControlModeClient.quote("%3") == "'%3'")
        #expect(ControlModeClient.quote("it's") == #"'it'\''s'"#)
    }
}
