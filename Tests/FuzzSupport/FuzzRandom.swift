import Foundation

/// SplitMix64: a tiny deterministic generator, so a fuzz run can be replayed from its seed.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public let seed: UInt64

    /// The seed is `FLOTILLA_FUZZ_SEED` when set (to replay a failure, or to explore: any other
    /// number finds other inputs), else `fallback`, so CI runs the same inputs each time.
    public init(fallback: UInt64) {
        let seed = ProcessInfo.processInfo.environment["FLOTILLA_FUZZ_SEED"].flatMap { UInt64($0) } ?? fallback
        self.seed = seed
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    public mutating func chance(_ oneIn: Int) -> Bool { int(1...oneIn) == 1 }
    public mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }
    public mutating func element<T>(_ array: [T]) -> T { array[int(0...(array.count - 1))] }

    /// What a finding needs to be replayed: the seed and the input, shown printable.
    public func replay(_ input: [UInt8]) -> String {
        "replay with FLOTILLA_FUZZ_SEED=\(seed); input (\(input.count) bytes): \(String(decoding: input.prefix(300), as: UTF8.self).debugDescription)"
    }
}
