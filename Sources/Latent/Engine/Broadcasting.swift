/// NumPy broadcasting rules: shapes are aligned at their last axis; sizes must match or
/// one of them must be 1.
enum Broadcasting {
    /// The broadcast shape of `a` and `b`.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(
                x == y || x == 1 || y == 1,
                "Shapes \(a) and \(b) cannot be broadcast together (axis \(i): \(x) vs \(y)).")
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// Row-major strides of `shape` seen through `target` (0 on broadcast axes).
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let offset = target.count - shape.count
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + offset] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }
}
