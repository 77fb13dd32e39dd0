/// Where a byte stream cut at an arbitrary offset splits a UTF-8 character: output is sent
/// and read in byte ranges, and a text must not begin or end inside a character.
public enum UTF8Cut {
    /// How many bytes at the front of `bytes` continue a character that began before them.
    public static func continuationPrefix(_ bytes: some Collection<UInt8>) -> Int {
        var count = 0
        for byte in bytes.prefix(3) {
            guard byte & 0xC0 == 0x80 else { break }
            count += 1
        }
        return count
    }

    /// How many bytes at the end of `bytes` start a character that continues after them.
    public static func incompleteSuffix(_ bytes: ArraySlice<UInt8>) -> Int {
        var index = bytes.endIndex
        var seen = 0
        while index > bytes.startIndex, seen < 4 {
            index -= 1
            seen += 1
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 { continue }
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > seen ? seen : 0
        }
        return 0
    }
}
