import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The agent process's own memory and CPU, read from /proc, for heartbeats.
public struct ResourceUsage: Sendable {
    public var rssBytes: Int
    public var cpuSeconds: Double

    public static func current() -> ResourceUsage {
        ResourceUsage(rssBytes: residentBytes(), cpuSeconds: cpuTime())
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    static func cpuTime() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
