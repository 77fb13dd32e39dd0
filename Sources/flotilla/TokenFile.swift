import FlotillaCore
import FlotillaTmux
import Foundation

/// Tokens kept in files: the admin token in a data directory, an agent's token file.
enum TokenFile {
    /// The file's text, trimmed; nil when it cannot be read or holds nothing.
    static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// What fleet commands (`ps`, `send`, `doctor`, `up` minting agent tokens) call the hub with:
    /// `FLOTILLA_TOKEN`, else the admin token of the hub `flotilla up` starts (`hub.data_dir`, by
    /// default `.flotilla` beside the fleet file), else the one in the default data directory.
    static func admin(for fleet: Fleet) -> String? {
        if let token = Environment.value("FLOTILLA_TOKEN") { return token }
        let directories = [fleet.file.hubDataDirectory ?? fleet.file.stateDirectory, DataDirectory.defaultPath]
        return directories.lazy.compactMap { read(DataDirectory($0).adminTokenPath) }.first
    }
}
