import Foundation

/// Many TCP connections to a hub that say nothing, held by a child process (python3, a test
/// dependency already) that reports when every one of them was closed by the hub.
///
/// A child, not sockets in the test process: thousands of descriptors there made Foundation's
/// `Process.run` (which lists /proc/self/fd to close them in the child, reading 256 bytes past
/// the last entry: swift-corelibs-foundation PR 5472, not in Swift 6.3.1) crash the whole test
/// target with a SIGSEGV when that entry ended a heap region, in whichever test started a process.
final class IdleConnections: Sendable {
    let process: Process
    let outputPath: String

    private static let script = """
        import selectors, socket, sys, time
        port, count = int(sys.argv[1]), int(sys.argv[2])
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        opened = time.monotonic()
        print("open", flush=True)
        selector = selectors.DefaultSelector()
        for s in sockets:
            selector.register(s, selectors.EVENT_READ)
        left = count
        while left:
            for key, _ in selector.select():
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    left -= 1
        print("closed %.3f" % (time.monotonic() - opened), flush=True)
        """

    /// Opens `count` connections to 127.0.0.1:`port` and returns once all are open.
    init(_ count: Int, port: Int) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.script, String(port), String(count)]
        outputPath = TestHub.temporaryDirectory() + "/idle.out"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = FileHandle(forWritingAtPath: outputPath)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output?.close()  // the child has its own copy
        self.process = process
        let path = outputPath
        try await eventually("\(count) idle connections open", within: 60) {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            guard text.contains("open\n") || !process.isRunning else { return false }
            guard process.isRunning || text.contains("closed") else { throw TestFailure("the idle connections' holder ended: \(text)") }
            return true
        }
    }

    /// Seconds from all open to all closed by the peer, once they all are.
    var closedAfter: Double? {
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("closed ") }) else { return nil }
        return Double(line.dropFirst("closed ".count))
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
