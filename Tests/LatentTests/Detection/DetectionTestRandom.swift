/// A tiny seeded generator (SplitMix64) for the detection tests, independent of the
/// library's own `RandomGenerator` so the statistics are checked against a separate source.
struct DetectionTestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }

    /// Uniform integer in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Bernoulli draw.
    mutating func bool(probability: Double) -> Bool { uniform() < probability }
}
