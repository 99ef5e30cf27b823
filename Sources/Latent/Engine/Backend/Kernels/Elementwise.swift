import CLatentKernels

/// Elementwise loops over raw buffers, calling the vectorised C kernels. Same-shape and
/// scalar operands take one flat call (split across threads above
/// ``Elementwise/parallelThreshold`` elements); other broadcasts walk an outer index and
/// call the kernel once per contiguous (or constant) innermost run.
enum Elementwise {
    /// Elements below which a loop runs on the calling thread.
    static let parallelThreshold = 1 << 17

    static func unary(_ op: UnaryKernel, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        Engine.parallelFor(count, minimumChunk: parallelThreshold) { r in
            latent_unary(op.code, x + r.lowerBound, out + r.lowerBound, r.count)
        }
    }

    /// out[i] = op(a[ia], b[ib]) over the broadcast shape `shape`.
    static func broadcast(
        _ op: BinaryKernel, _ a: UnsafePointer<Float>, shapeA: [Int], _ b: UnsafePointer<Float>, shapeB: [Int],
        _ out: UnsafeMutablePointer<Float>, shape: [Int]
    ) {
        let count = Tensor.elementCount(of: shape)
        let op = op.code
        guard count > 0 else { return }
        let countA = Tensor.elementCount(of: shapeA)
        let countB = Tensor.elementCount(of: shapeB)
        if (countA == count || countA == 1) && (countB == count || countB == 1) {
            let sa = countA == count ? 1 : 0
            let sb = countB == count ? 1 : 0
            Engine.parallelFor(count, minimumChunk: parallelThreshold) { r in
                latent_binary(op, a + sa * r.lowerBound, sa, b + sb * r.lowerBound, sb, out + r.lowerBound, r.count)
            }
            return
        }
        let sa = Broadcasting.strides(of: shapeA, in: shape)
        let sb = Broadcasting.strides(of: shapeB, in: shape)
        let rank = shape.count
        let inner = shape[rank - 1]
        let ia = sa[rank - 1]
        let ib = sb[rank - 1]
        let outer = count / inner
        Engine.parallelFor(outer, minimumChunk: max(1, parallelThreshold / inner)) { rows in
            var index = [Int](repeating: 0, count: rank)
            var rem = rows.lowerBound
            for axis in stride(from: rank - 2, through: 0, by: -1) {
                index[axis] = rem % shape[axis]
                rem /= shape[axis]
            }
            for row in rows {
                var offA = 0
                var offB = 0
                for axis in 0..<(rank - 1) {
                    offA += index[axis] * sa[axis]
                    offB += index[axis] * sb[axis]
                }
                latent_binary(op, a + offA, ia, b + offB, ib, out + row * inner, inner)
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
}
