import FlotillaCore
import Foundation

/// Fixtures/held-git-server.py for one test: a real static web server serving a bare
/// repository over git's dumb HTTP transport, holding every request while `hold` exists, so a
/// clone of it takes as long as the test wants (a big repository's clone, deterministically).
final class HeldGitServer: Sendable {
    let process: Process
    let folder: String
    let port: Int

    /// Serves a copy of the bare repository `remote` as `/repo.git`, held from the start.
    init(serving remote: String) async throws {
        folder = Paths.temporaryDirectory("held-git")
        let root = folder + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try git(folder, "clone", "--quiet", "--bare", remote, root + "/repo.git")
        // The dumb transport reads info/refs and objects/info/packs: written once here.
        try git(root + "/repo.git", "update-server-info")
        FileManager.default.createFile(atPath: folder + "/hold", contents: nil)
        let portFile = folder + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.fixtures + "/held-git-server.py", "--root", root, "--hold", folder + "/hold", "--port-file", portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await eventually("the held git server writes its port", within: 15) { FileManager.default.fileExists(atPath: portFile) }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) ?? 0
    }

    /// The repository's URL, as `goal add --repo` takes it.
    var url: String { "http://127.0.0.1:\(port)/repo.git" }

    /// The paths asked for so far (a clone under way has asked for `info/refs`).
    var requests: [String] {
        ((try? String(contentsOfFile: folder + "/requests.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Lets every held and later request through.
    func release() {
        try? FileManager.default.removeItem(atPath: folder + "/hold")
    }

    func stop() {
        release()
        // SIGKILL: a child of the test process inherits its blocked SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
