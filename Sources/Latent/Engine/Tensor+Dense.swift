extension Tensor {
    /// activation(x · w + b) as one primitive: one GEMM, then one pass that adds the bias
    /// and applies the activation in place; back: one pass for the activation's
    /// derivative, the bias's column sums, and the two gradient GEMMs.
    ///
    /// Shapes: x [N, I], w [I, O], b [O] → [N, O].
    public static func dense(_ x: Tensor, weight w: Tensor, bias b: Tensor, activation: Activation) -> Tensor {
        precondition(
            x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[0] && b.shape == [w.shape[1]],
            "dense needs x [N, I], w [I, O], b [O]; got \(x.shape), \(w.shape), \(b.shape).")
        let rows = x.shape[0]
        let inputs = w.shape[0]
        let outputs = w.shape[1]
        let recording = GradientMode.isRecording && (x.node != nil || w.node != nil || b.node != nil)
        let y = Tensor(shape: [rows, outputs]) { out in
            if recording {
                BLAS.sgemm(
                    transposeA: false, transposeB: false, m: rows, n: outputs, k: inputs,
                    a: x.storage.pointer, lda: inputs, b: w.storage.pointer, ldb: outputs, c: out.baseAddress!,
                    ldc: outputs)
                BiasActivation.apply(
                    out.baseAddress!, count: out.count, width: outputs, bias: b, activation: activation)
            } else {
                // Inference: a row's output must not depend on the rows batched with it.
                RowInvariantGEMM.multiply(
                    m: rows, n: outputs, k: inputs, a: x.storage.pointer, lda: inputs,
                    b: w.storage.pointer, ldb: outputs, c: out.baseAddress!, ldc: outputs,
                    bias: UnsafePointer(b.storage.pointer), activation: activation, split: .inference)
            }
        }
        return recorded(y, inputs: [x, w, b]) { g in
            // y = activation(z), z = x · w + b
            let dz = BiasActivation.preActivationGradient(g, output: y, activation: activation)
            return [
                { matmul(dz, w, transposeB: true) },  // ∂L/∂x = dz · wᵀ
                { matmul(x, dz, transposeA: true) },  // ∂L/∂w = xᵀ · dz
                { BiasActivation.biasGradient(dz, width: outputs) },
            ]  // ∂L/∂b = Σ_rows dz
        }
    }
}
