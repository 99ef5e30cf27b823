import CLatentKernels

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
        let rows = count / Swift.max(width, 1)
        let act = activation.kernelCode
        let b: UnsafePointer<Float>? = bias.map { UnsafePointer($0.storage.pointer) }
        Engine.parallelFor(rows, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / Swift.max(width, 1))) { r in
            latent_bias_act(y + r.lowerBound * width, b, y + r.lowerBound * width, r.count, width, act)
        }
    }

    /// ∂L/∂z = g ⊙ activation′(z) for y = activation(z), computed from the output y, so
    /// the pre-activation z is never stored.
    static func preActivationGradient(_ g: Tensor, output y: Tensor, activation: Activation) -> Tensor {
        guard activation != .identity else { return g }
        let act = activation.kernelCode
        return Tensor(shape: g.shape) { out in
            let gp = g.storage.pointer
            let yp = y.storage.pointer
            let o = out.baseAddress!
            Engine.parallelFor(g.count, minimumChunk: Elementwise.parallelThreshold) { r in
                latent_act_grad(gp + r.lowerBound, yp + r.lowerBound, o + r.lowerBound, r.count, act)
            }
        }
    }

    /// ∂L/∂bias = Σ over rows of dz, for rows of `width` values (the bias's length).
    static func biasGradient(_ dz: Tensor, width: Int) -> Tensor {
        Tensor(shape: [width]) { out in
            latent_column_sums(dz.storage.pointer, out.baseAddress!, dz.count / Swift.max(width, 1), width)
        }
    }
}
