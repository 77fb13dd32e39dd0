import FlotillaCore
import Foundation

/// The FAKE GitHub CLI (Fixtures/fake-gh) as `gh` in a folder of its own, logging each call
/// (argv, cwd, stdin) to its own file: a hub publishes goals through it, given its `path`
/// (`HubConfiguration.goals.gh`) or its `bin` first on a hub process's PATH.
struct FakeGitHub {
    let bin: String
    let log: String
    var path: String { bin + "/gh" }

    init() throws {
        let folder = Paths.temporaryDirectory("fake-gh")
        bin = folder + "/bin"
        log = folder + "/gh.log"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // A wrapper: the log's path travels in the script, not in a variable the hub passes on.
        let script = "#!/bin/sh\nFAKE_GH_LOG='\(log)' exec '\(Paths.fixtures)/fake-gh' \"$@\"\n"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// A PATH with this fake first.
    var pathVariable: String { bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    /// The calls whose argv starts with `prefix` (every call for `[]`).
    func calls(_ prefix: [String] = []) -> [JSONValue] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.filter { call in
            Array((call["argv"]?.arrayValue ?? []).compactMap(\.stringValue).prefix(prefix.count)) == prefix
        }
    }
}
