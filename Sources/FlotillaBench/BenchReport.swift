import FlotillaCore
import Foundation

/// The benchmark's figures, as text or JSON.
public struct BenchReport: Sendable {
    let benchmark: Benchmark
    let throughput: BenchThroughput.Result
    let latencies: [Double]

    func percentile(_ q: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    var submittedPerSecond: Double { Double(throughput.submitted) / throughput.submitSeconds }
    var completedPerSecond: Double { Double(throughput.completed) / throughput.drainSeconds }

    public var text: String {
        """
        submitted/s: \(Int(submittedPerSecond))   (\(throughput.submitted) in \(String(format: "%.2f", throughput.submitSeconds)) s)
        completed/s: \(Int(completedPerSecond))   (\(throughput.completed) drained in \(String(format: "%.2f", throughput.drainSeconds)) s from first submit)
        round trip (n=\(latencies.count)): p50 \(String(format: "%.3f", percentile(0.5) * 1000)) ms, p99 \(String(format: "%.3f", percentile(0.99) * 1000)) ms
        """
    }

    public var json: JSONValue {
        [
            "results": .string(benchmark.results.rawValue),
            "tasks": .int(Int64(benchmark.tasks)), "agents": .int(Int64(benchmark.agents)),
            "concurrency": .int(Int64(benchmark.concurrency)), "batch": .int(Int64(benchmark.batch)),
            "submitted_per_second": .double(submittedPerSecond),
            "completed_per_second": .double(completedPerSecond),
            "round_trip_ms": ["p50": .double(percentile(0.5) * 1000), "p99": .double(percentile(0.99) * 1000), "n": .int(Int64(latencies.count))],
        ]
    }
}
