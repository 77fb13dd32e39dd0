#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals and liveness checks for the processes panes run.
public enum ProcessLiveness {
    /// Whether a process with `pid` exists (and is not a zombie we could not reap).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 { return errno == EPERM }
        return !isZombie(pid)
    }

    /// Sends `signal` to the process group led by `pid` (a pane's process is a session leader,
    /// so its children share the group), falling back to the process itself.
    public static func signalGroup(_ pid: Int32, _ signal: Int32) {
        guard pid > 0 else { return }
        if kill(-pid, signal) != 0 { _ = kill(pid, signal) }
    }

    /// Every descendant of `pid` (children, grandchildren …), read from /proc.
    public static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in procEntries() {
            if let parent = parentPID(of: entry) { parents[parent, default: []].append(entry) }
        }
        var result: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            for child in parents[next] ?? [] {
                result.append(child)
                frontier.append(child)
            }
        }
        return result
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        let rest = stat[stat.index(after: close)...].trimmingWhitespace()
        return rest.hasPrefix("Z") || rest.hasPrefix("X")
    }

    static func parentPID(of pid: Int32) -> Int32? {
        guard let stat = readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    static func procEntries() -> [Int32] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }

    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
