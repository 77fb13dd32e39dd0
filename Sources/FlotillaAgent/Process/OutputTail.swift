/// The last `limit` bytes of a stream, so a chatty process cannot exhaust the agent's memory.
public struct OutputTail: Sendable {
    public let limit: Int
    private var bytes: [UInt8] = []
    /// How many bytes were dropped from the front.
    public private(set) var droppedBytes = 0

    public init(limit: Int) {
        self.limit = max(limit, 0)
    }

    public mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit {
            let excess = bytes.count - limit
            bytes.removeFirst(excess)
            droppedBytes += excess
        }
    }

    public var isTruncated: Bool { droppedBytes > 0 }

    /// The kept bytes as text; a multi-byte character cut at the front is repaired by decoding.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Splits a byte stream into lines for progress reporting, bounding any one line.
struct LineSplitter {
    private var pending: [UInt8] = []
    let maxLine: Int

    init(maxLine: Int = 4096) {
        self.maxLine = maxLine
    }

    mutating func feed(_ chunk: some Collection<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            } else if pending.count < maxLine {
                pending.append(byte)
            }
        }
        return lines
    }

    mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
