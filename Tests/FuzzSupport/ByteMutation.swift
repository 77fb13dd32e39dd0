/// Byte-level mutations of a valid input: what a broken or hostile sender makes of a message.
public enum ByteMutation: CaseIterable, Sendable {
    case flipBit, replaceByte, insertByte, deleteRange, truncate, duplicateRange, insertToken, swapBytes

    /// Bytes a JSON text is made of, so mutations land on structure as well as on content.
    public static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "null", "true", "-", "0", "1e999", "-0", ".5",
        "99999999999999999999999", "\u{0}", "\u{7F}", "é", "😀", "\u{FEFF}", " ", "\n",
    ].map { Array($0.utf8) }

    /// `input` with `count` random mutations applied.
    public static func apply(to input: [UInt8], count: Int, using random: inout FuzzRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<count {
            guard !bytes.isEmpty else { bytes = [random.byte()]; continue }
            let index = random.int(0...(bytes.count - 1))
            switch random.element(ByteMutation.allCases) {
            case .flipBit: bytes[index] ^= UInt8(1 << random.int(0...7))
            case .replaceByte: bytes[index] = random.byte()
            case .insertByte: bytes.insert(random.byte(), at: index)
            case .deleteRange: bytes.removeSubrange(index..<min(bytes.count, index + random.int(1...8)))
            case .truncate: bytes.removeSubrange(index...)
            case .duplicateRange:
                let end = min(bytes.count, index + random.int(1...16))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            case .insertToken: bytes.insert(contentsOf: random.element(tokens), at: index)
            case .swapBytes: bytes.swapAt(index, random.int(0...(bytes.count - 1)))
            }
        }
        return bytes
    }
}
