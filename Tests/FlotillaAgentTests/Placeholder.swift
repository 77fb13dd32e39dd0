import Testing

@Test func flotillaagentBuilds() {
    #expect(Bool(true))
}
