import FlotillaCore
import Foundation

/// The dashboard benchmark's figures, as text or JSON (seconds inside, milliseconds shown).
public struct DashboardBenchReport: Sendable {
    let bench: DashboardBench
    var seedSeconds = 0.0
    var firstDataPaths: [String] = []
    /// Seconds of each timed first load.
    var firstLoads: [Double] = []
    /// Seconds of each call of the first loads, by path.
    var firstLoadCalls: [String: [Double]] = [:]
    /// Seconds of each next-page request, by kind.
    var pages: [(name: String, seconds: [Double])] = []

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    public var text: String {
        var lines = [
            "seeded \(bench.tasks) tasks in \(String(format: "%.1f", seedSeconds)) s; \(bench.agents) agents connected",
            "first load (GET / then \(firstDataPaths.joined(separator: ", ")), 6 at a time), n=\(firstLoads.count): "
                + "p50 \(Self.ms(Self.percentile(firstLoads, 0.5))), p99 \(Self.ms(Self.percentile(firstLoads, 0.99)))   goal ≤ 1000 ms",
        ]
        lines.append("  each call, p50: " + (["/"] + firstDataPaths).map { "\($0) \(Self.ms(Self.percentile(firstLoadCalls[$0] ?? [], 0.5)))" }.joined(separator: ", "))
        for page in pages {
            lines.append("\(page.name), n=\(page.seconds.count): p50 \(Self.ms(Self.percentile(page.seconds, 0.5))), p99 \(Self.ms(Self.percentile(page.seconds, 0.99)))   goal ≤ 100 ms")
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        func figures(_ values: [Double]) -> JSONValue {
            ["p50_ms": .double(Self.percentile(values, 0.5) * 1000), "p99_ms": .double(Self.percentile(values, 0.99) * 1000), "n": .int(Int64(values.count))]
        }
        return [
            "tasks": .int(Int64(bench.tasks)), "agents": .int(Int64(bench.agents)),
            "seed_seconds": .double(seedSeconds),
            "first_load": figures(firstLoads),
            "first_data": .array(firstDataPaths.map { .string($0) }),
            "first_load_calls": .object(firstLoadCalls.mapValues(figures)),
            "pages": .object(Dictionary(uniqueKeysWithValues: pages.map { ($0.name, figures($0.seconds)) })),
        ]
    }
}
