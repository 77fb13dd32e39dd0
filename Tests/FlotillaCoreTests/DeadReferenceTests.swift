import Foundation
import Testing

/// User-facing text (the README, docs/, and every source file, whose comments and CLI help a
/// reader of this repository sees) names only what the repository has: no requirement documents
/// ("seeds/000", "the seeds' envelope") or design notes (DESIGN.md) that live elsewhere.
@Suite("No dead references")
struct DeadReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Texts outside the repository, as they were spelt: `seeds/004`, `seeds/000 and /001`,
    /// `the seeds' topics`, `the seed's names`, `DESIGN.md`.
    static var deadReference: Regex<Substring> { #/seeds?/\d|\bseeds'|\bseed's|\bthe seeds?\b|DESIGN\.md/# }

    static func userFacingFiles() -> [URL] {
        var files = [root.appendingPathComponent("README.md")]
        for folder in ["docs", "Sources"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if ["md", "swift"].contains(url.pathExtension) { files.append(url) }
            }
        }
        return files
    }

    @Test("README, docs and Sources name no document the repository does not have")
    func none() throws {
        let files = Self.userFacingFiles()
        #expect(files.count > 100, "found only \(files.count) files under \(Self.root.path)")
        let deadReference = Self.deadReference
        var hits: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(deadReference) {
                hits.append("\(file.path.dropFirst(Self.root.path.count + 1)):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        if !hits.isEmpty { Issue.record("\(hits.count) dead references:\n\(hits.joined(separator: "\n"))") }
    }
}
