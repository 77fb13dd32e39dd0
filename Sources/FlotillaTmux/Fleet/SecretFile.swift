import FlotillaCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files and directories only their owner may read.
enum SecretFile {
    /// Creates `path` (and its parents) with mode 0700, or tightens an existing one to 0700.
    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
    }

    /// Writes `contents` to `path` with mode 0600 from the moment the file exists.
    static func write(_ path: String, contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw FleetError(.invalidField, "cannot write \(path): errno \(errno)") }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        let bytes = Array(contents.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw FleetError(.invalidField, "cannot write \(path): errno \(errno)")
        }
    }
}
