import CLatentKernels

extension Tensor {
    /// mean((p − t)²), or with `absolute` mean(|p − t|), of two tensors of one shape, as
    /// one primitive: one pass forward (summed in double per block), one pass back.
    static func meanDistance(_ p: Tensor, _ t: Tensor, absolute: Bool) -> Tensor {
        precondition(p.shape == t.shape, "meanDistance needs equal shapes, got \(p.shape) and \(t.shape).")
        let n = p.count
        let kind: Int32 = absolute ? 1 : 0
        let total = latent_distance_sum(p.storage.pointer, t.storage.pointer, n, kind)
        let value = Tensor(Float(total / Double(Swift.max(n, 1))))
        return recorded(value, inputs: [p, t]) { g in
            // ∂/∂p of mean((p − t)²) is 2(p − t)/n; of mean|p − t| it is sign(p − t)/n.
            let scale = g.item * (absolute ? 1 : 2) / Float(Swift.max(n, 1))
            let dp = Tensor(shape: p.shape) { out in
                let pp = p.storage.pointer
                let tp = t.storage.pointer
                let o = out.baseAddress!
                Engine.parallelFor(n, minimumChunk: Elementwise.parallelThreshold) { r in
                    latent_distance_grad(pp + r.lowerBound, tp + r.lowerBound, o + r.lowerBound, r.count, scale, kind)
                }
            }
            return [
                { dp },  // ∂L/∂p
                { dp.applying(.negate) },
            ]  // ∂L/∂t = −∂L/∂p
        }
    }
}
