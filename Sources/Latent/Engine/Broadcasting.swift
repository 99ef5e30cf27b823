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

/// Elementwise loops over raw buffers. Same-shape and scalar operands take flat,
/// vectorisable loops; other broadcasts walk an outer index with a contiguous (or
/// constant) innermost run.
enum Elementwise {
    static func map(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
        _ f: (Float) -> Float
    ) {
        Engine.parallelFor(count) { range in
            for i in range { out[i] = f(x[i]) }
        }
    }

    static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        count: Int, _ f: (Float, Float) -> Float
    ) {
        Engine.parallelFor(count) { range in
            for i in range { out[i] = f(a[i], b[i]) }
        }
    }

    /// out[i] = f(a[ia], b[ib]) over the broadcast shape `shape`.
    static func broadcast(
        _ a: UnsafePointer<Float>, shapeA: [Int], _ b: UnsafePointer<Float>, shapeB: [Int],
        _ out: UnsafeMutablePointer<Float>, shape: [Int], _ f: (Float, Float) -> Float
    ) {
        let count = Tensor.elementCount(of: shape)
        guard count > 0 else { return }
        let countA = Tensor.elementCount(of: shapeA), countB = Tensor.elementCount(of: shapeB)
        if countA == count && countB == count {
            zip(a, b, out, count: count, f)
            return
        }
        if countB == 1 {
            let s = b[0]
            Engine.parallelFor(count) { r in for i in r { out[i] = f(a[i], s) } }
            return
        }
        if countA == 1 {
            let s = a[0]
            Engine.parallelFor(count) { r in for i in r { out[i] = f(s, b[i]) } }
            return
        }
        let sa = Broadcasting.strides(of: shapeA, in: shape)
        let sb = Broadcasting.strides(of: shapeB, in: shape)
        let rank = shape.count
        let inner = shape[rank - 1]
        let ia = sa[rank - 1], ib = sb[rank - 1]
        let outer = count / inner
        // Offsets of each outer row in a and b.
        Engine.parallelFor(outer, minimumChunk: max(1, (1 << 15) / inner)) { rows in
            var index = [Int](repeating: 0, count: rank)
            var rem = rows.lowerBound
            for axis in stride(from: rank - 2, through: 0, by: -1) {
                index[axis] = rem % shape[axis]
                rem /= shape[axis]
            }
            for _ in rows {
                var offA = 0, offB = 0
                for axis in 0..<(rank - 1) {
                    offA += index[axis] * sa[axis]
                    offB += index[axis] * sb[axis]
                }
                let rowOut = out + rowOffset(index, shape)
                if ia == 1 && ib == 1 {
                    for j in 0..<inner { rowOut[j] = f(a[offA + j], b[offB + j]) }
                } else if ia == 1 {
                    let s = b[offB]
                    for j in 0..<inner { rowOut[j] = f(a[offA + j], s) }
                } else if ib == 1 {
                    let s = a[offA]
                    for j in 0..<inner { rowOut[j] = f(s, b[offB + j]) }
                } else {
                    let x = a[offA], y = b[offB]
                    let v = f(x, y)
                    for j in 0..<inner { rowOut[j] = v }
                }
                // Advance the outer index (odometer over axes 0..<rank-1).
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    static func rowOffset(_ index: [Int], _ shape: [Int]) -> Int {
        var off = 0
        for axis in 0..<(shape.count - 1) { off = off * shape[axis] + index[axis] }
        return off * shape[shape.count - 1]
    }
}
