import FlotillaCore
import Testing

/// Output travels in byte ranges: a range must not begin or end inside a character.
@Suite struct UTF8CutTests {
    /// "a€b": `€` is E2 82 AC.
    static let bytes: [UInt8] = Array("a€b".utf8)

    @Test func anEndInsideACharacterIsFound() {
        #expect(UTF8Cut.incompleteSuffix(Self.bytes[0..<1]) == 0)
        #expect(UTF8Cut.incompleteSuffix(Self.bytes[0..<2]) == 1)
        #expect(UTF8Cut.incompleteSuffix(Self.bytes[0..<3]) == 2)
        #expect(UTF8Cut.incompleteSuffix(Self.bytes[0..<4]) == 0)
        #expect(UTF8Cut.incompleteSuffix(Self.bytes[...]) == 0)
    }

    @Test func aStartInsideACharacterIsFound() {
        #expect(UTF8Cut.continuationPrefix(Self.bytes[2...]) == 2)
        #expect(UTF8Cut.continuationPrefix(Self.bytes[3...]) == 1)
        #expect(UTF8Cut.continuationPrefix(Self.bytes[4...]) == 0)
        #expect(UTF8Cut.continuationPrefix(Self.bytes[1...]) == 0)
    }
}
