import Foundation
import Testing

/// The dashboard is plain ES modules loaded by the browser without a build step, so a wrong
/// relative path or a name a module does not export only shows as a console error at run time.
/// This reads every module under Dashboard/Assets and checks each `import { … } from './…'`:
/// the file exists and exports every imported name.
@Suite struct DashboardModuleGraphTests {
    static let assets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/FlotillaHub/Dashboard/Assets")

    /// Every `.js` file under the assets, by path relative to the assets folder.
    static func modules() throws -> [String: String] {
        var modules: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: assets, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "js" else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(assets.standardizedFileURL.path.count + 1))
            modules[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        return modules
    }

    /// The names a module exports: `export function|const|let|class|async function NAME`,
    /// `export { a, b as c }`, and `default`.
    static func exports(of source: String) -> Set<String> {
        var names = Set<String>()
        for match in source.matches(of: /export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/) {
            names.insert(String(match.1))
        }
        for match in source.matches(of: /export\s*\{([^}]*)\}/) {
            for part in match.1.split(separator: ",") {
                let words = part.split(whereSeparator: \.isWhitespace)
                if let last = words.last { names.insert(String(last)) }
            }
        }
        if source.contains("export default") { names.insert("default") }
        return names
    }

    /// `import { a, b as c } from './x.js'` and `import x from './x.js'` → (path, names).
    static func imports(of source: String) -> [(path: String, names: [String])] {
        var found: [(String, [String])] = []
        for match in source.matches(of: /import\s*\{([^}]*)\}\s*from\s*'([^']+)'/) {
            let names = match.1.split(separator: ",").compactMap { part in
                part.split(whereSeparator: \.isWhitespace).first.map(String.init)
            }
            found.append((String(match.2), names))
        }
        for match in source.matches(of: /import\s+([A-Za-z_$][\w$]*)\s+from\s*'([^']+)'/) {
            found.append((String(match.2), ["default"]))
        }
        return found
    }

    static func resolve(_ path: String, from module: String) -> String {
        var parts = module.split(separator: "/").dropLast().map(String.init)
        for piece in path.split(separator: "/") {
            if piece == "." { continue }
            if piece == ".." { _ = parts.popLast() } else { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }

    @Test func everyRelativeImportNamesAnExportOfAnExistingModule() throws {
        let modules = try Self.modules()
        #expect(modules["views/tasks.js"] != nil && modules["lib/dag.js"] != nil, "no modules found under \(Self.assets.path)")
        var checked = 0
        for (module, source) in modules.sorted(by: { $0.key < $1.key }) {
            for (path, names) in Self.imports(of: source) where path.hasPrefix(".") {
                let target = Self.resolve(path, from: module)
                guard let targetSource = modules[target] else {
                    Issue.record("\(module) imports '\(path)', but there is no \(target)")
                    continue
                }
                let exported = Self.exports(of: targetSource)
                for name in names where !exported.contains(name) {
                    Issue.record("\(module) imports '\(name)' from \(target), which does not export it")
                }
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    /// Views are loaded by name (`views/<name>.js`) and must have the contract's shape.
    @Test func everyViewExportsItsTitleScopeAndMount() throws {
        let modules = try Self.modules()
        for (module, source) in modules where module.hasPrefix("views/") {
            #expect(source.contains("export default {"), "\(module) has no default export")
            #expect(source.contains("title:") && source.contains("scope:") && source.contains("mount("), "\(module) lacks title, scope or mount")
        }
    }
}
