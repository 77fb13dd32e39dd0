import NIOCore
import Testing

@testable import MQTT

/// Bounded-time fuzzing: random bytes and mutated valid packets must decode or throw, never trap.
@Suite struct DecoderFuzzTests {
    @Test(arguments: MQTTProtocolVersion.allCases)
    func fuzzDecoder(version: MQTTProtocolVersion) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(2500)
        var random = RandomPackets(seed: 0xF1A7 &+ UInt64(version.rawValue), version: version)
        var runs = 0
        var accepted = 0
        // At least 2,000 inputs however busy the machine is (a loaded CI host once managed only
        // 400 in the time box), then more until the deadline.
        while runs < 2000 || clock.now < deadline {
            for _ in 0..<200 {
                var bytes: [UInt8]
                if random.int(0...3) == 0 {
                    bytes = (0..<random.int(0...64)).map { _ in UInt8.random(in: 0...255, using: &random.rng) }
                } else {
                    bytes = Array(try random.packet().encoded(version: version).readableBytesView)
                    for _ in 0..<random.int(1...4) where !bytes.isEmpty {
                        let index = random.int(0...(bytes.count - 1))
                        switch random.int(0...3) {
                        case 0: bytes[index] ^= UInt8(1 << random.int(0...7))
                        case 1: bytes[index] = UInt8.random(in: 0...255, using: &random.rng)
                        case 2: bytes.removeSubrange(index...)
                        default: bytes.insert(UInt8.random(in: 0...255, using: &random.rng), at: index)
                        }
                    }
                }
                var buffer = ByteBuffer(bytes: bytes)
                do {
                    while let _ = try MQTTPacket.read(from: &buffer, version: version, maximumPacketSize: 4096) { accepted += 1 }
                } catch {
                    _ = error.code
                }
                runs += 1
            }
            // Leave the cooperative pool to the other suites running in parallel.
            await Task.yield()
        }
        #expect(accepted > 0, "no mutated packet decoded in \(runs) runs: the generator is broken")
    }
}
