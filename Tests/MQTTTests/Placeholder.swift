import Testing

@Test func mqttBuilds() {
    #expect(Bool(true))
}
