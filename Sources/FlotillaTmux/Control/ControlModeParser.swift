/// Parses the line protocol of a tmux control-mode client (`tmux -C`).
///
/// Notifications start with `%`; the reply to each command is framed by `%begin` and `%end`
/// (or `%error`) lines whose last field is 1 when this client sent the command.
public struct ControlModeParser: Sendable {
    /// Something the control client reported.
    public enum Event: Sendable, Equatable {
        /// Bytes a pane's program wrote (`%output %ID …`), already unescaped.
        case output(pane: String, bytes: [UInt8])
        /// The reply to one command this client sent: its lines and whether it succeeded.
        case reply(lines: [String], success: Bool)
        /// The client is going away (`%exit`).
        case exit
        /// Any other notification, e.g. `%window-add @3`.
        case notification(String)
    }

    private var block: [String]?
    private var blockIsOurs = false

    public init() {}

    /// Feeds one line (without its newline); returns the event it completes, if any.
    public mutating func feed(_ line: [UInt8]) -> Event? {
        if block != nil {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("%end ") || text.hasPrefix("%error ") {
                let lines = block ?? []
                block = nil
                guard blockIsOurs else { return nil }
                return .reply(lines: lines, success: text.hasPrefix("%end "))
            }
            block?.append(text)
            return nil
        }
        guard line.first == UInt8(ascii: "%") else { return nil }
        if Self.hasPrefix(line, "%output ") {
            let rest = line.dropFirst(8)
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return nil }
            let pane = String(decoding: rest[rest.startIndex..<space], as: UTF8.self)
            return .output(pane: pane, bytes: Self.unescape(rest[rest.index(after: space)...]))
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("%begin ") {
            block = []
            blockIsOurs = text.split(separator: " ").last == "1"
            return nil
        }
        if text == "%exit" || text.hasPrefix("%exit ") { return .exit }
        return .notification(text)
    }

    /// Undoes control mode's escaping: bytes below 32 and `\` arrive as `\ooo` (three octal
    /// digits); everything else, UTF-8 included, arrives as is.
    public static func unescape(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                var value: UInt32 = 0
                var cursor = bytes.index(after: index)
                var digits = 0
                while digits < 3, cursor != bytes.endIndex, (48...55).contains(bytes[cursor]) {
                    value = value * 8 + UInt32(bytes[cursor] - 48)
                    cursor = bytes.index(after: cursor)
                    digits += 1
                }
                if digits == 3, value < 256 {
                    result.append(UInt8(value))
                    index = cursor
                    continue
                }
            }
            result.append(byte)
            index = bytes.index(after: index)
        }
        return result
    }

    static func hasPrefix(_ line: [UInt8], _ prefix: String) -> Bool {
        line.starts(with: prefix.utf8)
    }
}
