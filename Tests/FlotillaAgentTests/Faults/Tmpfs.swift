import Foundation
import Testing

/// A small tmpfs of its own, to run a hub's store out of space for real.
///
/// Mounting needs root (the CI runs the tests as root); the suites that use it are skipped
/// with a message otherwise.
struct Tmpfs: Sendable {
    let path: String

    static var canMount: Bool { getuid() == 0 }
    static let skipReason: Comment = "needs root to mount a tmpfs (the CI runs the tests as root)"

    init(megabytes: Int) throws {
        path = Paths.temporaryDirectory("tmpfs")
        try Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path)
    }

    func unmount() {
        try? Self.run("/bin/umount", "-l", path)
    }

    var freeBytes: UInt64 {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return 0 }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }

    private var fillerPath: String { path + "/filler" }

    /// Takes all but `leaving` bytes with a file of real (not sparse) blocks.
    func fill(leaving: UInt64) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fillerPath, isDirectory: false), creatingIfMissing: true)
        defer { try? handle.close() }
        try handle.seekToEnd()
        let chunk = Data(count: 64 * 1024)
        while freeBytes > leaving {
            let size = Int(min(UInt64(chunk.count), freeBytes - leaving))
            try handle.write(contentsOf: chunk.prefix(size))
        }
    }

    /// Gives the space back.
    func removeFiller() throws {
        try FileManager.default.removeItem(atPath: fillerPath)
    }

    private static func run(_ executable: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}

extension FileHandle {
    convenience init(forWritingTo url: URL, creatingIfMissing: Bool) throws {
        if creatingIfMissing, !FileManager.default.fileExists(atPath: url.path) {
            FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        try self.init(forWritingTo: url)
    }
}
