import Foundation
import Testing

/// Node.js (Debian's `nodejs`), which runs the dashboard's JavaScript unit tests
/// (Tests/DashboardJS) with its built-in test runner; no npm packages.
enum NodeJS {
    /// The `node` executable on PATH, or nil.
    static let path: String? = {
        let search = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return search.split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let skipReason: Comment = "needs Node.js (Debian's nodejs) to run Tests/DashboardJS"
}
