import Foundation

/// Reads the contract tables of docs/: the backticked names in the first column of the markdown
/// table under a heading, so a test can hold code to what the docs promise.
enum DocTable {
    /// Every backticked name in the first cell of each row (a cell may list several:
    /// "`agent.stuck`, `agent.error`"), header and separator rows skipped.
    static func names(in file: String, under heading: String) throws -> [String] {
        let text = try String(contentsOfFile: Paths.packageRoot + "/docs/" + file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { throw TestFailure("docs/\(file) has no heading '\(heading)'") }
        let rows = lines[(start + 1)...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        guard rows.count > 2 else { throw TestFailure("docs/\(file) has no table under '\(heading)'") }
        return rows.dropFirst(2).flatMap { row in
            let cell = row.split(separator: "|", omittingEmptySubsequences: false)[1]
            return cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
    }
}
