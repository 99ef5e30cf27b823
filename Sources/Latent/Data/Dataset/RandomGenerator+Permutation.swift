extension RandomGenerator {
    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's method).
    ///
    /// Written out here rather than using the standard library's `Int.random(in:using:)`
    /// so that the same seed gives the same shuffles on every Swift version.
    /// - Precondition: `bound > 0`.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound, not \(bound).")
        let n = UInt64(bound)
        var (high, low) = next().multipliedFullWidth(by: n)
        if low < n {
            let threshold = (0 &- n) % n
            while low < threshold { (high, low) = next().multipliedFullWidth(by: n) }
        }
        return Int(high)
    }

    /// A uniformly random ordering of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// Shuffles `array` in place (Fisher–Yates), reproducibly for a given seed.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextIndex(below: i + 1))
        }
    }
}
