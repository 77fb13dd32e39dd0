import Crypto
import Foundation
import NIOCore

/// One file of the dashboard, as it is served: its bytes, content type and ETag.
struct DashboardAsset: Sendable {
    let body: ByteBuffer
    let contentType: String
    /// A strong validator (`"<hash>"`): the file's SHA-256, so it changes whenever the bytes do.
    let etag: String

    init(bytes: [UInt8], path: String) {
        self.body = ByteBuffer(bytes: bytes)
        self.contentType = Self.contentType(of: path)
        let digest = SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined()
        self.etag = "\"\(digest)\""
    }

    /// The content type by extension; anything unknown is served as bytes.
    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

/// The dashboard's files (`Sources/FlotillaHub/Dashboard/Assets`, the target's resources), read
/// from the bundle once per process and kept in memory: a few hundred KiB that every page load
/// needs. Lookup is by exact relative path in a table of the files that exist, so no request
/// path (`..`, `%2e%2e`, an absolute path) can reach anything else on disk.
struct DashboardAssets: Sendable {
    /// Keyed by the path under `Assets/`, e.g. `index.html`, `css/base.css`.
    let files: [String: DashboardAsset]

    /// The files shipped with the hub, read on first use.
    static let bundled = DashboardAssets(directory: locate())

    /// Where the dashboard's files are: `FLOTILLA_DASHBOARD_DIR` (to work on the pages without
    /// rebuilding), else the resource folder SwiftPM puts beside the binary, else the sources
    /// this binary was built from. Not `Bundle.module`: its accessor stops the whole process when
    /// the folder is missing (a binary copied alone), where the hub should serve on and say so.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let override = environment["FLOTILLA_DASHBOARD_DIR"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for directory in [Bundle.main.bundleURL, executable] {
            candidates.append(directory.appendingPathComponent("flotilla_FlotillaHub.resources/Assets"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Assets"))
        return candidates.first { manager.fileExists(atPath: $0.appendingPathComponent("index.html").path) }
    }

    /// Why the dashboard cannot be served, or nil when its files are there.
    var missingReason: String? {
        files["index.html"] == nil
            ? "the dashboard's files were not found: keep the folder flotilla_FlotillaHub.resources beside the flotilla binary (swift build puts it there), or set FLOTILLA_DASHBOARD_DIR to a copy of Sources/FlotillaHub/Dashboard/Assets"
            : nil
    }

    /// Reads every regular file under `directory` (none if it is missing: the routes then 404).
    init(directory: URL?) {
        var files: [String: DashboardAsset] = [:]
        let manager = FileManager.default
        if let root = directory?.standardizedFileURL.path, let paths = try? manager.subpathsOfDirectory(atPath: root) {
            for path in paths where !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                var isDirectory: ObjCBool = false
                let full = root + "/" + path
                guard manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                      let data = manager.contents(atPath: full) else { continue }
                files[path] = DashboardAsset(bytes: [UInt8](data), path: path)
            }
        }
        self.files = files
    }

    /// The file at `path` (relative, `/`-separated), or nil.
    func asset(at path: String) -> DashboardAsset? {
        files[path]
    }
}
