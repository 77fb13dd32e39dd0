import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The agent process's own memory and CPU, read from /proc, for heartbeats.
public struct ResourceUsage: Sendable {
    public var rssBytes: Int
    /// CPU time of the agent process itself since it started.
    public var cpuSeconds: Double
    /// CPU time of the agent and every process under it (running executors, verify commands,
    /// and those already ended), since it started: what `cpu_percent` measures.
    public var treeCPUSeconds: Double

    public static func current() -> ResourceUsage {
        let own = cpuTime(RUSAGE_SELF)
        return ResourceUsage(rssBytes: residentBytes(), cpuSeconds: own, treeCPUSeconds: own + cpuTime(RUSAGE_CHILDREN) + ProcessTree.descendantCPUSeconds(of: getpid()))
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    /// `RUSAGE_SELF`, or `RUSAGE_CHILDREN`: the children that ended and were waited for.
    static func cpuTime(_ who: __rusage_who) -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(who.rawValue), &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The share of one core the agent's process tree used between two readings, in percent
/// (above 100 when it keeps several cores busy).
struct CPUMeter: Sendable {
    private var last: (seconds: Double, at: ContinuousClock.Instant)?

    /// The percentage since the previous call (since `started` on the first), rounded to 0.1.
    mutating func percent(treeSeconds: Double, now: ContinuousClock.Instant, started: ContinuousClock.Instant) -> Double {
        let (previousSeconds, previousAt) = last ?? (0, started)
        last = (treeSeconds, now)
        let wall = (now - previousAt).seconds
        guard wall > 0 else { return 0 }
        // A descendant that outlived its parent leaves the tree without being waited for by
        // us: the total can drop, which is no negative use.
        let used = max(0, treeSeconds - previousSeconds)
        return (used / wall * 1000).rounded() / 10
    }
}
