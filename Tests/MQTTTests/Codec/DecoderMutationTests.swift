import Foundation
import NIOCore
import Testing

@testable import MQTT

/// The packet decoder against what a broken or hostile broker could send: valid packets with
/// bit flips, truncation, lying length fields, huge lengths and garbage between them, read as a
/// socket delivers them (in chunks). Each input decodes or throws an ``MQTTError`` with a codec
/// code, in bounded time, and reading it in chunks gives exactly what reading it whole gives.
///
/// Seeded: a failure names its seed; `FLOTILLA_FUZZ_SEED=<seed>` replays it.
@Suite struct DecoderMutationTests {
    /// The codes a decoder may throw; a client-side code here would mean a decoder bug.
    static let codecCodes: Set<MQTTError.Code> = [
        .variableByteIntegerTooLong, .nonMinimalVariableByteInteger, .valueOutOfRange, .packetTooLarge,
        .invalidFixedHeaderFlags, .unknownPacketType, .truncated, .trailingBytes, .invalidUTF8, .nullCharacter,
        .invalidProtocolName, .unsupportedProtocolVersion, .invalidQoS, .malformedPacket, .invalidProperty,
        .invalidReasonCode, .invalidPacketIdentifier, .invalidTopic,
    ]

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["FLOTILLA_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_4D51
    }

    /// What reading a byte stream gives: the packets read, and the error that ended it (if any).
    struct Outcome: Equatable {
        var packets: [MQTTPacket] = []
        var error: MQTTError.Code?
        /// Bytes left unread (an incomplete packet at the end).
        var pending = 0
    }

    /// Reads `bytes` as the channel handler does, handed over in chunks of `sizes` bytes (all at
    /// once when empty). Every read either consumes bytes or waits, so this always terminates.
    static func read(_ bytes: [UInt8], version: MQTTProtocolVersion, maximumPacketSize: Int, chunks sizes: [Int] = []) -> Outcome {
        var outcome = Outcome()
        var buffer = ByteBuffer()
        var offset = 0
        var sizeIndex = 0
        repeat {
            let size = sizes.isEmpty ? bytes.count : sizes[sizeIndex % sizes.count]
            sizeIndex += 1
            let end = min(bytes.count, offset + size)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            do {
                while let packet = try MQTTPacket.read(from: &buffer, version: version, maximumPacketSize: maximumPacketSize) {
                    outcome.packets.append(packet)
                }
            } catch {
                outcome.error = error.code
                return outcome
            }
        } while offset < bytes.count
        outcome.pending = buffer.readableBytes
        return outcome
    }

    /// One valid packet's bytes, mutated in one of the ways a sender gets a packet wrong.
    static func mutated(_ random: inout RandomPackets) throws -> [UInt8] {
        var bytes = Array(try random.packet().encoded(version: random.version).readableBytesView)
        for _ in 0..<random.int(1...3) {
            guard bytes.count > 1 else { break }
            let index = random.int(0...(bytes.count - 1))
            switch random.int(0...9) {
            case 0: bytes[index] ^= UInt8(1 << random.int(0...7))
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random.rng)
            case 2: bytes.removeSubrange(index...)
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &random.rng), at: index)
            case 4:
                // The remaining length lies: shorter, longer, zero or the largest there is.
                let lengthBytes = min(4, bytes.dropFirst().prefix { $0 & 0x80 != 0 }.count + 1)
                guard bytes.count > lengthBytes else { continue }
                let body = bytes.count - 1 - lengthBytes
                let lie = [0, max(0, body - random.int(1...8)), body + random.int(1...8), 127, 128, 16_383, 268_435_455][random.int(0...6)]
                bytes.replaceSubrange(1...lengthBytes, with: variableByteInteger(lie))
            case 5:
                // An inner two-byte length (string, binary, property) lies, wherever one may be.
                guard bytes.count > 3 else { continue }
                let at = random.int(min(2, bytes.count - 2)...(bytes.count - 2))
                let lie: UInt16 = [0, 1, 0x7FFF, 0xFFFF, UInt16.random(in: 0...UInt16.max, using: &random.rng)][random.int(0...4)]
                bytes[at] = UInt8(lie >> 8)
                bytes[at + 1] = UInt8(lie & 0xFF)
            case 6:
                // A variable byte integer (a property length) at its limits, or past them.
                let vbi: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0x7F], [0x80, 0x80, 0x80, 0x80, 0x01], [0x80, 0x00], [0xFF]]
                bytes.insert(contentsOf: vbi[random.int(0...3)], at: max(1, index))
            case 7:
                // The fixed header's type and flags.
                bytes[0] = UInt8.random(in: 0...255, using: &random.rng)
            case 8:
                // Invalid UTF-8 or U+0000 inside a string.
                let bad: [[UInt8]] = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0x00], [0xF4, 0x90, 0x80, 0x80], [0xFF]]
                let replacement = bad[random.int(0...4)]
                let end = min(bytes.count, index + replacement.count)
                bytes.replaceSubrange(index..<end, with: replacement)
            default:
                bytes.removeSubrange(index..<min(bytes.count, index + random.int(1...6)))
            }
        }
        return bytes
    }

    static func variableByteInteger(_ value: Int) -> [UInt8] {
        var buffer = ByteBuffer()
        _ = try? buffer.writeVariableByteInteger(value)
        return Array(buffer.readableBytesView)
    }

    static func check(_ outcome: Outcome, input: [UInt8], seed: UInt64, version: MQTTProtocolVersion) -> Bool {
        if let code = outcome.error, !codecCodes.contains(code) {
            Issue.record("decoding threw \(code), not a codec code (replay with FLOTILLA_FUZZ_SEED=\(seed), \(version)); input: \(input.prefix(64).map { String(format: "%02x", $0) }.joined())")
            return false
        }
        return true
    }

    /// Streams of mutated packets, each read whole and in random chunks: same packets, same
    /// error, always a codec code.
    @Test(arguments: MQTTProtocolVersion.allCases)
    func mutatedStreamsReadTheSameWholeOrInChunks(version: MQTTProtocolVersion) throws {
        let seed = Self.seed &+ UInt64(version.rawValue)
        var random = RandomPackets(seed: seed, version: version)
        let start = ContinuousClock.now
        var errors: [MQTTError.Code: Int] = [:]
        var packets = 0
        for _ in 0..<8_000 {
            var stream: [UInt8] = []
            for _ in 0..<random.int(1...4) {
                stream += random.int(0...2) == 0 ? Array(try random.packet().encoded(version: version).readableBytesView) : try Self.mutated(&random)
            }
            let maximum = random.bool() ? 4096 : ByteBuffer.maxPacketSize
            let whole = Self.read(stream, version: version, maximumPacketSize: maximum)
            let chunks = (0..<random.int(1...4)).map { _ in random.int(1...32) }
            let chunked = Self.read(stream, version: version, maximumPacketSize: maximum, chunks: chunks)
            guard Self.check(whole, input: stream, seed: Self.seed, version: version) else { return }
            if whole != chunked {
                Issue.record("reading in chunks \(chunks) differs from reading whole: \(chunked.packets.count) vs \(whole.packets.count) packets, \(String(describing: chunked.error)) vs \(String(describing: whole.error)) (replay with FLOTILLA_FUZZ_SEED=\(Self.seed), \(version)); input: \(stream.prefix(64).map { String(format: "%02x", $0) }.joined())")
                return
            }
            packets += whole.packets.count
            if let code = whole.error { errors[code, default: 0] += 1 }
        }
        #expect(ContinuousClock.now - start < .seconds(60))
        // The mutations must reach deep into packets, not just break their headers.
        #expect(packets > 2_000, "only \(packets) packets decoded")
        for code in [MQTTError.Code.truncated, .invalidFixedHeaderFlags, .trailingBytes] {
            #expect(errors[code, default: 0] > 0, "no input ended in \(code): \(errors)")
        }
        if version == .v5 { #expect(errors[.invalidProperty, default: 0] > 0, "no input hit a bad property: \(errors)") }
    }

    /// Random bytes, whole and in chunks.
    @Test(arguments: MQTTProtocolVersion.allCases)
    func randomBytesDecodeOrThrowACodecError(version: MQTTProtocolVersion) {
        let seed = Self.seed &+ 100 &+ UInt64(version.rawValue)
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...96, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let whole = Self.read(bytes, version: version, maximumPacketSize: 2048)
            guard Self.check(whole, input: bytes, seed: Self.seed, version: version) else { return }
            let chunked = Self.read(bytes, version: version, maximumPacketSize: 2048, chunks: [Int.random(in: 1...7, using: &rng)])
            guard whole == chunked else {
                Issue.record("chunked read differs from whole (replay with FLOTILLA_FUZZ_SEED=\(Self.seed), \(version)); input: \(bytes.map { String(format: "%02x", $0) }.joined())")
                return
            }
        }
    }

    /// A header announcing 256 MiB is refused from the header alone under a maximum, and
    /// otherwise waits for the bytes without allocating for them.
    @Test(arguments: MQTTProtocolVersion.allCases)
    func hugeAnnouncedLengths(version: MQTTProtocolVersion) {
        for first: UInt8 in [0x30, 0x32, 0x82, 0x10, 0xE0, 0xF0] {
            let bytes: [UInt8] = [first, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, 0x61]
            #expect(Self.read(bytes, version: version, maximumPacketSize: 1 << 20).error == .packetTooLarge)
            let waiting = Self.read(bytes, version: version, maximumPacketSize: ByteBuffer.maxPacketSize)
            #expect(waiting.error == nil && waiting.packets.isEmpty && waiting.pending == bytes.count)
            #expect(throws: MQTTError.self) { try MQTTPacket.decode(ByteBuffer(bytes: bytes), version: version) }
        }
    }
}
