import ArgumentParser
import FlotillaCore
import Foundation

/// Output helpers: lines written unbuffered (so pipes see them), tables, and readable JSON.
enum Console {
    /// Writes a line to standard output. If the reader went away (broken pipe), exits with
    /// status 141 like a process killed by SIGPIPE, instead of crashing.
    static func print(_ line: String) {
        if !write(line + "\n", to: STDOUT_FILENO) { exit(141) }
    }

    /// Writes text as it is (no newline added): a program's output passed through.
    static func printRaw(_ text: String) {
        if !write(text, to: STDOUT_FILENO) { exit(141) }
    }

    static func printError(_ line: String) {
        _ = write(line + "\n", to: STDERR_FILENO)
    }

    /// Writes all of `text` to a file descriptor; false when it cannot (e.g. EPIPE).
    private static func write(_ text: String, to descriptor: Int32) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Prints `message` on standard error; returns exit code 1 for the caller to throw.
    static func fail(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(1)
    }

    /// Prints rows under a header, each column as wide as its widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// Prints an object as `key: value` lines (nulls skipped, nested values as indented JSON).
    static func details(_ value: JSONValue, first: [String] = []) {
        guard let object = value.objectValue else {
            print(pretty(value))
            return
        }
        let keys = first.filter { object[$0] != nil } + object.keys.sorted().filter { !first.contains($0) }
        for key in keys {
            guard let item = object[key], !item.isNull else { continue }
            switch item {
            case .object(let inner) where inner.isEmpty: print("\(key): {}")
            case .array(let inner) where inner.isEmpty: print("\(key): []")
            case .object, .array: print("\(key): " + pretty(item, indent: ""))
            default: print("\(key): \(cell(item))")
            }
        }
    }

    /// A table cell: strings bare, null as `-`, arrays joined by commas, others as JSON.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: "-"
        case .string(let text)?: text.isEmpty ? "-" : text
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            items.isEmpty ? "-" : items.compactMap(\.stringValue).joined(separator: ",")
        case let other?: other.jsonString
        }
    }

    /// Indented JSON with sorted keys.
    static func pretty(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .object(let object) where !object.isEmpty:
            let members = object.keys.sorted().map { key in
                inner + JSONValue.string(key).jsonString + ": " + pretty(object[key] ?? .null, indent: inner)
            }
            return "{\n" + members.joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let array) where !array.isEmpty:
            let items = array.map { inner + pretty($0, indent: inner) }
            return "[\n" + items.joined(separator: ",\n") + "\n" + indent + "]"
        default:
            return value.jsonString
        }
    }
}
