import Foundation
import Testing

@testable import FlotillaTmux

/// `commands.jsonl` and the panes' output logs are rotated by size.
@Suite struct LogRotationTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "flotilla-rotation-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theAuditTrailRotatesAndItsIdsCarryOn() throws {
        let path = try Self.directory() + "/commands.jsonl"
        let audit = CommandAudit(path: path, maxBytes: 2_000)
        for _ in 0..<100 {
            let id = audit.nextID()
            audit.append(CommandRecord(id: id, agent: "a", pane: "%1", text: "command \(id) " + String(repeating: "x", count: 40), forced: false, outcome: .sent,
                                       method: .literal, attempts: 1, enterPresses: 1, errorCode: nil, errorMessage: nil, queuedAt: 0, finishedAt: 0))
        }
        for generation in ["", ".1", ".2", ".3"] {
            let size = LogRotation.size(path + generation)
            #expect(size > 0 && size < 2_400, "\(generation): \(size) bytes")
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".4"), "three generations are kept")
        let resumed = CommandAudit(path: path, resume: true, maxBytes: 2_000)
        #expect(resumed.nextID() == 101, "ids carry on after a rotation")
    }

    /// tmux's `pipe-pane 'cat >> LOG'` keeps the log open: it is copied and emptied in place, and
    /// the writer's next line lands at its start.
    @Test func aLogHeldOpenByItsWriterIsCopiedAndEmptied() async throws {
        let log = try Self.directory() + "/agent.log"
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat >> '\(log)'"]
        let input = Pipe()
        writer.standardInput = input
        try writer.run()
        defer { try? input.fileHandleForWriting.close(); writer.waitUntilExit() }
        let before = String(repeating: "old line\n", count: 400)
        try input.fileHandleForWriting.write(contentsOf: Data(before.utf8))
        #expect(await eventually { LogRotation.size(log) == before.utf8.count })
        #expect(!LogRotation.copyTruncate(log, maxBytes: 10_000), "under the limit: left alone")
        #expect(LogRotation.copyTruncate(log, maxBytes: 1_000))
        #expect(try String(contentsOfFile: log + ".1", encoding: .utf8) == before)
        try input.fileHandleForWriting.write(contentsOf: Data("new line\n".utf8))
        #expect(await eventually { LogRotation.size(log) > 0 })
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "new line\n")
    }
}
