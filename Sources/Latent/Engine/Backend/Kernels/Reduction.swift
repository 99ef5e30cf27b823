enum Reduction {
    /// Sum in Float with four independent accumulators for speed, pairwise across blocks
    /// so long sums keep their precision.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        if count <= 4096 {
            var acc = SIMD16<Float>()
            var i = 0
            while i + 16 <= count {
                acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
                i += 16
            }
            var s = acc.sum()
            while i < count {
                s += x[i]
                i += 1
            }
            return s
        }
        let half = count / 2
        return sum(x, count: half) + sum(x + half, count: count - half)
    }

    /// out[o, i] = Σ_j x[o, j, i] for x viewed as [outer, n, inner].
    static func sumAxis(
        _ x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, into out: UnsafeMutablePointer<Float>
    ) {
        if inner == 1 {
            for o in 0..<outer { out[o] = sum(x + o * n, count: n) }
            return
        }
        for o in 0..<outer {
            let dst = out + o * inner
            dst.initialize(repeating: 0, count: inner)
            for j in 0..<n {
                let src = x + (o * n + j) * inner
                Vector.add(dst, src, into: dst, count: inner)
            }
        }
    }
}

/// Small vector kernels over raw pointers, written as SIMD loops.
enum Vector {
    @inline(__always)
    static func add(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        var i = 0
        while i + 16 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: va + vb, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            out[i] = a[i] + b[i]
            i += 1
        }
    }
}
