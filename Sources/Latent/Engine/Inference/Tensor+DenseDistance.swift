import CLatentKernels

extension Tensor {
    /// Each row's mean distance between `target` and `activation(x · w + b)`, the
    /// layer's output never stored whole: for scoring, where only the distance is wanted.
    ///
    /// The same bits as `rowMeanDistances(dense(x, …), target)` without gradients (the
    /// same kernels, tile by tile); no gradient is recorded.
    ///
    /// Shapes: x [N, I], w [I, O], b [O], target [N, …] with O values per row → [N].
    public static func denseRowMeanDistances(
        _ x: Tensor, weight w: Tensor, bias b: Tensor, activation: Activation,
        target: Tensor, absolute: Bool = false
    ) -> Tensor {
        precondition(
            x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[0] && b.shape == [w.shape[1]],
            "denseRowMeanDistances needs x [N, I], w [I, O], b [O]; got \(x.shape), \(w.shape), \(b.shape).")
        let rows = x.shape[0]
        let inputs = w.shape[0]
        let outputs = w.shape[1]
        precondition(
            target.shape.first == rows && target.count == rows * outputs,
            "denseRowMeanDistances: target \(target.shape) does not hold \(rows) rows of \(outputs).")
        let act = activation.kernelCode
        let kind: Int32 = absolute ? 1 : 0
        return Tensor(shape: [rows]) { out in
            let a = x.storage.pointer
            let wp = w.storage.pointer
            let bp = b.storage.pointer
            let t = target.storage.pointer
            let o = out.baseAddress!
            // Each thread reads all of w: split as the GEMM's inference rows are.
            let minimumRows = RowInvariantGEMM.inferenceMinimumRows(n: outputs, k: inputs)
            Engine.parallelFor(rows, minimumChunk: minimumRows) { r in
                let status = latent_dense_distance_rows(
                    a, inputs, wp, outputs, inputs, bp, act, t, outputs, kind, o,
                    r.lowerBound, r.upperBound)
                precondition(status == 0, "denseRowMeanDistances: out of memory for one row of \(outputs) floats.")
            }
        }
    }
}
