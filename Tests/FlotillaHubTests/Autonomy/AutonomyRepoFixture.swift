import Foundation

/// A real git repository for the initiative to scan: a Python package whose unittest suite
/// fails (`test_add`), committed.
enum AutonomyRepoFixture {
    static let testCommand = "/usr/bin/python3 -m unittest -q"

    static func failingRepository() throws -> String {
        let path = TestHub.temporaryDirectory() + "/repo"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try """
            import unittest


            class MathTests(unittest.TestCase):
                def test_add(self):
                    self.assertEqual(1 + 1, 3)

                def test_sub(self):
                    self.assertEqual(2 - 1, 1)
            """.write(toFile: path + "/test_math.py", atomically: true, encoding: .utf8)
        try git(["init", "-q", "-b", "main"], in: path)
        try git(["add", "."], in: path)
        try git(["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "Math"], in: path)
        return path
    }

    static func git(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
    }
}
