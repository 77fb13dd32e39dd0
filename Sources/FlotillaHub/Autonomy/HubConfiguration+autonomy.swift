public import FlotillaCore
import FlotillaGoals
import Foundation

extension HubConfiguration {
    /// Turns the hub's own initiative on (`flotilla hub --autonomy`, docs/goals.md): the day
    /// budget and scan interval from the flags, else the file, else the defaults ($5 a day,
    /// every hour); the file's repositories (relative paths from the file's folder) plus
    /// `repos` (relative paths from the working directory). Each repository must be a
    /// directory; anything wrong is refused naming the field, and nothing is set.
    public mutating func enableAutonomy(budgetUSD: Double?, scanEvery: Double?, repos: [String], file: String?) throws(FlotillaError) {
        var settings = AutonomySettings()
        let cwd = FileManager.default.currentDirectoryPath
        if let file {
            settings = try AutonomySetup.load(path: file)
            let folder = Self.absolute(URL(fileURLWithPath: file).deletingLastPathComponent().path, from: cwd)
            for index in settings.repos.indices { settings.repos[index].path = Self.absolute(settings.repos[index].path, from: folder) }
        }
        if let budgetUSD { settings.budgetUSD = try AutonomySettings.budget(.double(budgetUSD), field: "autonomy-budget") }
        if let scanEvery { settings.scanEvery = try AutonomySettings.duration(.double(scanEvery), field: "autonomy-scan-every") }
        var configuration = AutonomyConfiguration(policy: AutonomyPolicy(
            dayBudgetUSD: settings.budgetUSD ?? AutonomyPolicy.defaultBudgetUSD,
            scanEvery: settings.scanEvery ?? AutonomyPolicy.defaultScanEvery
        ), repos: settings.repos)
        configuration.add(repoPaths: repos.map { Self.absolute($0, from: cwd) })
        for (index, repo) in configuration.repos.enumerated() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: repo.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw FlotillaError(.invalidField, "Repository \(repo.path) is not a directory: register a git repository's folder.", field: index < settings.repos.count ? "repos[\(index)].path" : "autonomy-repo")
            }
        }
        autonomy = configuration
    }

    /// `path` from `base` when relative; `~/` is the home folder.
    static func absolute(_ path: String, from base: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst() }
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        return AutonomyFinding.normalizedRepo(URL(fileURLWithPath: joined).standardizedFileURL.path)
    }
}
