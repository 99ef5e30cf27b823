import CLatentKernels

extension Tensor {
    /// Per-row mean squared (or, with `absolute`, mean absolute) difference of two
    /// tensors of the same shape: [N, …] → [N]. No gradient; what anomaly scores use.
    public static func rowMeanDistances(_ prediction: Tensor, _ target: Tensor, absolute: Bool = false) -> Tensor {
        precondition(
            prediction.shape == target.shape,
            "rowMeanDistances needs equal shapes, got \(prediction.shape) and \(target.shape).")
        let rows = prediction.shape.first ?? 1
        let width = prediction.count / Swift.max(rows, 1)
        return Tensor(shape: [rows]) { out in
            let p = prediction.storage.pointer
            let t = target.storage.pointer
            let o = out.baseAddress!
            Engine.parallelFor(rows, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / Swift.max(width, 1))) {
                r in
                // Rows side by side (latent_distance_sums), each with latent_distance_sum's bits.
                var sums = [Double](repeating: 0, count: r.count)
                latent_distance_sums(
                    p + r.lowerBound * width, width, t + r.lowerBound * width, width, r.count, width, absolute ? 1 : 0,
                    &sums)
                for (i, sum) in zip(r, sums) { o[i] = Float(sum / Double(Swift.max(width, 1))) }
            }
        }
    }
}
