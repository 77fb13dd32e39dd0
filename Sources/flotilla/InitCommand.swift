import ArgumentParser
import FlotillaCore
import FlotillaTmux
import Foundation

/// Writes a commented `flotilla.yaml` for the current git repository.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented flotilla.yaml for the current git repository.",
        discussion: """
            The file goes to the top of the repository (or to --file). It has one agent for each \
            agent CLI found on PATH (claude, codex, aider, gemini), or two shell agents when there \
            is none. An existing file is left alone unless --force is given.
            """
    )

    @Option(name: [.customShort("f"), .long], help: "Where to write (default: flotilla.yaml at the top of the repository).")
    var file: String?

    @Flag(help: "Overwrite an existing file.")
    var force = false

    func run() async throws {
        let tools = HostTools()
        let here = FileManager.default.currentDirectoryPath
        guard let top = await tools.gitTopLevel(of: here) else {
            let why = tools.find("git") == nil ? "git is not installed (not found on PATH)" : "\(here) is not inside a git repository"
            throw FleetOptions.report(FleetError(.initNotAGitRepository, "\(why); run `git init` first, or cd into your project"))
        }
        let path = file.map { $0.hasPrefix("/") ? $0 : here + "/" + $0 } ?? top + "/flotilla.yaml"
        if FileManager.default.fileExists(atPath: path) && !force {
            throw FleetOptions.report(FleetError(.initFileExists, "\(path) already exists; use --force to overwrite it"))
        }
        let clis = HostTools.agentCLIs.compactMap { name in tools.find(name).map { FleetTemplate.FoundCLI(name: name, path: $0) } }
        let template = FleetTemplate(repository: URL(fileURLWithPath: top).lastPathComponent, clis: clis)
        do {
            try template.text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw FleetOptions.report(FleetError(.initWriteFailed, "cannot write \(path): \(error.localizedDescription)"))
        }
        let agents = clis.isEmpty ? "2 shell agents (no agent CLI found on PATH)" : clis.map(\.name).joined(separator: ", ")
        Console.print("wrote \(path): \(agents)")
        Console.print("next: `flotilla doctor` checks this machine, `flotilla up` starts the fleet")
    }
}
