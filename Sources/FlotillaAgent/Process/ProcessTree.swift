import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The processes under a pid as /proc shows them (Linux), for the CPU they use.
enum ProcessTree {
    /// One line of `/proc/<pid>/stat`, the fields we need.
    struct Stat {
        var pid: Int32
        var parent: Int32
        /// user + system time of the process and of its children it has waited for, in ticks.
        var ticks: Int
    }

    /// CPU seconds of every live descendant of `root` (itself excluded), each with the children
    /// it already waited for.
    static func descendantCPUSeconds(of root: Int32) -> Double {
        let stats = all()
        var children: [Int32: [Stat]] = [:]
        for stat in stats { children[stat.parent, default: []].append(stat) }
        var ticks = 0
        var stack = children[root] ?? []
        var seen: Set<Int32> = [root]
        while let stat = stack.popLast() {
            guard seen.insert(stat.pid).inserted else { continue }
            ticks += stat.ticks
            stack.append(contentsOf: children[stat.pid] ?? [])
        }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return perSecond > 0 ? Double(ticks) / perSecond : 0
    }

    /// Every process /proc lists now (those that vanish while it is read are skipped).
    static func all() -> [Stat] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { name in
            guard let pid = Int32(name), let text = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8) else { return nil }
            return parse(text, pid: pid)
        }
    }

    /// Fields after the command name (which may hold spaces and parentheses, so the last `)`
    /// ends it): state, ppid, … utime (14th field), stime, cutime, cstime.
    static func parse(_ text: String, pid: Int32) -> Stat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]) else { return nil }
        let times = fields[11...14].compactMap { Int($0) }
        guard times.count == 4 else { return nil }
        return Stat(pid: pid, parent: parent, ticks: times.reduce(0, +))
    }
}
