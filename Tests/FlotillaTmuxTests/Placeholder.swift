import Testing

@Test func flotillatmuxBuilds() {
    #expect(Bool(true))
}
