import CLatentSupport

extension Activation {
    /// The activation's code in the C kernels.
    var kernelCode: Int32 {
        switch self {
        case .identity: return Int32(LATENT_ACT_IDENTITY)
        case .relu: return Int32(LATENT_ACT_RELU)
        case .sigmoid: return Int32(LATENT_ACT_SIGMOID)
        case .tanh: return Int32(LATENT_ACT_TANH)
        case .softplus: return Int32(LATENT_ACT_SOFTPLUS)
        }
    }
}

/// The bias-and-activation step that ends Dense and convolution layers, fused into one
/// pass forward and one pass back.
///
/// At the lessons' batch sizes the elementwise passes and their allocations, not the
/// GEMMs, decided the step time: `activation(z + bias)` made five passes and five
/// buffers (broadcast add, activation, their two pullbacks, the bias's axis sums).
enum BiasActivation {
    /// y ← activation(y + bias) in place, over rows of `width` values (no bias: nil).
    static func apply(_ y: UnsafeMutablePointer<Float>, count: Int, width: Int, bias: Tensor?, activation: Activation) {
        guard bias != nil || activation != .identity else { return }
        let rows = count / Swift.max(width, 1), act = activation.kernelCode
        let b: UnsafePointer<Float>? = bias.map { UnsafePointer($0.storage.pointer) }
        Engine.parallelFor(rows, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / Swift.max(width, 1))) { r in
            latent_bias_act(y + r.lowerBound * width, b, y + r.lowerBound * width, r.count, width, act)
        }
    }

    /// The gradient before the activation (from the output `y`, so the pre-activation is
    /// never stored) and, when asked, the bias's gradient (its column sums).
    static func pullback(_ g: Tensor, output y: Tensor, activation: Activation, width: Int, biasGradient: Bool) -> (Tensor, Tensor?) {
        let dz: Tensor
        if activation == .identity {
            dz = g
        } else {
            let act = activation.kernelCode
            dz = Tensor(shape: g.shape) { out in
                let gp = g.storage.pointer, yp = y.storage.pointer, o = out.baseAddress!
                Engine.parallelFor(g.count, minimumChunk: Elementwise.parallelThreshold) { r in
                    latent_act_grad(gp + r.lowerBound, yp + r.lowerBound, o + r.lowerBound, r.count, act)
                }
            }
        }
        let db: Tensor? = biasGradient ? Tensor(shape: [width]) { out in
            latent_column_sums(dz.storage.pointer, out.baseAddress!, dz.count / Swift.max(width, 1), width)
        } : nil
        return (dz, db)
    }
}

extension Tensor {
    /// activation(x · w + b) as one primitive: one GEMM, then one pass that adds the bias
    /// and applies the activation in place; back: one pass for the activation's
    /// derivative, the bias's column sums, and the two gradient GEMMs.
    ///
    /// Shapes: x [N, I], w [I, O], b [O] → [N, O].
    public static func dense(_ x: Tensor, weight w: Tensor, bias b: Tensor, activation: Activation) -> Tensor {
        precondition(x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[0] && b.shape == [w.shape[1]],
                     "dense needs x [N, I], w [I, O], b [O]; got \(x.shape), \(w.shape), \(b.shape).")
        let rows = x.shape[0], inputs = w.shape[0], outputs = w.shape[1]
        let recording = GradientMode.isRecording && (x.node != nil || w.node != nil || b.node != nil)
        let y = Tensor(shape: [rows, outputs]) { out in
            if recording {
                BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: outputs, k: inputs,
                           a: x.storage.pointer, lda: inputs, b: w.storage.pointer, ldb: outputs, c: out.baseAddress!, ldc: outputs)
                BiasActivation.apply(out.baseAddress!, count: out.count, width: outputs, bias: b, activation: activation)
            } else {
                // Inference: a row's output must not depend on the rows batched with it.
                RowInvariantGEMM.dense(m: rows, n: outputs, k: inputs, a: x.storage.pointer, w: w.storage.pointer,
                                       bias: UnsafePointer(b.storage.pointer), activation: activation, c: out.baseAddress!)
            }
        }
        return recorded(y, inputs: [x, w, b]) { g in
            let (dz, db) = BiasActivation.pullback(g, output: y, activation: activation, width: outputs, biasGradient: b.node != nil)
            let dw: Tensor? = w.node == nil ? nil : matmul(x, dz, transposeA: true)
            let dx: Tensor? = x.node == nil ? nil : matmul(dz, w, transposeB: true)
            return [dx, dw, db]
        }
    }
}
