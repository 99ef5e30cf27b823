import CLatentKernels

// Convolutions and pooling are primitives over NHWC images, computed by C kernels
// (``ConvolutionKernels``), with hand-written pullbacks checked against finite differences.

extension Tensor {
    /// 2-D convolution (cross-correlation, as in every deep-learning framework).
    ///
    /// - Parameters:
    ///   - input: NHWC batch [N, H, W, C].
    ///   - filter: [KH, KW, C, F] (Keras layout).
    /// - Returns: [N, OH, OW, F].
    ///
    /// Computed by ``ConvolutionKernels``, whose C kernels choose per geometry between
    /// direct loops and im2col + GEMM per image. Its gradients are the adjoint
    /// convolution and a per-tap outer product.
    ///   - bias: [F], added to every output pixel before `activation` (both fused into
    ///     one pass after the convolution).
    public static func conv2d(
        _ input: Tensor, filter: Tensor, bias: Tensor? = nil, activation: Activation = .identity,
        stride: (Int, Int) = (1, 1), padding: Padding = .valid
    ) -> Tensor {
        precondition(
            input.rank == 4 && filter.rank == 4 && filter.shape[2] == input.shape[3],
            "conv2d needs input [N, H, W, C] and filter [KH, KW, C, F]; got \(input.shape) and \(filter.shape).")
        let geometry = ConvolutionGeometry(
            inputHeight: input.shape[1], inputWidth: input.shape[2], channels: input.shape[3],
            kernel: (filter.shape[0], filter.shape[1]), stride: stride, padding: padding)
        let conv = ConvolutionKernels(geometry, batch: input.shape[0], filters: filter.shape[3])
        let out = conv.forward(input, filter, bias: bias, activation: activation)
        return recorded(out, inputs: [input, filter] + (bias.map { [$0] } ?? [])) { g in
            // out = activation(z), z = conv(input, filter) + bias
            let dz = BiasActivation.preActivationGradient(g, output: out, activation: activation)
            return [
                { conv.backwardInput(dz, filter) },  // ∂L/∂input = convᵀ(dz, filter)
                { conv.backwardWeight(input, dz) },  // ∂L/∂filter = Σ input ⊗ dz per tap
                { BiasActivation.biasGradient(dz, width: filter.shape[3]) },
            ]  // ∂L/∂bias = Σ_pixels dz
        }
    }

    /// `conv2d(…).maxPooled(size: (2, 2), stride: (2, 2))` in one pass per image where the
    /// kernels fuse them (stride 1, identity or relu, the planar path: LeNet's layers),
    /// with the bits of the two calls, gradients included; nil otherwise. The convolution's
    /// output is never stored: its gradient is built from the pooling's argmax, where each
    /// window's maximum is also the activation's output (windows do not overlap).
    static func conv2dMaxPooled(
        _ input: Tensor, filter: Tensor, bias: Tensor?, activation: Activation, stride: (Int, Int), padding: Padding
    ) -> Tensor? {
        guard input.rank == 4, filter.rank == 4, filter.shape[2] == input.shape[3] else { return nil }
        let geometry = ConvolutionGeometry(
            inputHeight: input.shape[1], inputWidth: input.shape[2], channels: input.shape[3],
            kernel: (filter.shape[0], filter.shape[1]), stride: stride, padding: padding)
        let conv = ConvolutionKernels(geometry, batch: input.shape[0], filters: filter.shape[3])
        let inputs = [input, filter] + (bias.map { [$0] } ?? [])
        guard GradientMode.isRecording, inputs.contains(where: { $0.node != nil }) else {
            return conv.forwardPooled(input, filter, bias: bias, activation: activation)
        }
        let convShape = [input.shape[0], geometry.outputHeight, geometry.outputWidth, filter.shape[3]]
        guard convShape.reduce(1, *) <= Int(Int32.max) else { return nil }
        var argmax = [Int32](repeating: 0, count: conv.pooledShape.reduce(1, *))
        let fused = argmax.withUnsafeMutableBufferPointer {
            conv.forwardPooled(input, filter, bias: bias, activation: activation, argmax: $0.baseAddress)
        }
        guard let out = fused else { return nil }
        return recorded(out, inputs: inputs) { [argmax] g in
            // dz at the convolution's outputs: max pooling's gradient (each output's g added
            // at its window's maximum, on zeros), then the activation's (relu: where that
            // maximum, the activation's output, is above 0), as the two layers compute it.
            let dz = Tensor(shape: convShape) { dst in
                guard let d = dst.baseAddress else { return }
                argmax.withUnsafeBufferPointer { arg in
                    latent_maxpool_backward(
                        arg.baseAddress, g.storage.pointer, out.storage.pointer, activation == .relu ? 1 : 0, 1,
                        arg.count, d, dst.count)
                }
            }
            return [
                { conv.backwardInput(dz, filter) },
                { conv.backwardWeight(input, dz) },
                { BiasActivation.biasGradient(dz, width: filter.shape[3]) },
            ]
        }
    }

    /// Transposed 2-D convolution: the adjoint of ``conv2d(_:filter:stride:padding:)``,
    /// so with stride 2 and `same` padding it doubles height and width (7 → 14 → 28), as
    /// Keras's `Conv2DTranspose` does.
    ///
    /// - Parameters:
    ///   - input: NHWC batch [N, H, W, C].
    ///   - filter: [KH, KW, F, C] (Keras layout: output channels before input channels).
    /// - Returns: [N, H·s, W·s, F] for `same` padding; [N, (H−1)·s + KH, …] for `valid`.
    ///   - bias: [F], added before `activation`, both fused into one pass.
    public static func conv2dTranspose(
        _ input: Tensor, filter: Tensor, bias: Tensor? = nil, activation: Activation = .identity,
        stride: (Int, Int) = (1, 1), padding: Padding = .valid
    ) -> Tensor {
        precondition(
            input.rank == 4 && filter.rank == 4 && filter.shape[3] == input.shape[3],
            "conv2dTranspose needs input [N, H, W, C] and filter [KH, KW, F, C]; got \(input.shape) and \(filter.shape)."
        )
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let (kh, kw, f) = (filter.shape[0], filter.shape[1], filter.shape[2])
        let outH = padding == .same ? h * stride.0 : (h - 1) * stride.0 + kh
        let outW = padding == .same ? w * stride.1 : (w - 1) * stride.1 + kw
        // The convolution this is the adjoint of: [N, outH, outW, F] → [N, h, w, C] with
        // kernel [KH, KW, F, C], which is exactly `filter`.
        let geometry = ConvolutionGeometry(
            inputHeight: outH, inputWidth: outW, channels: f,
            kernel: (kh, kw), stride: stride, padding: padding)
        precondition(geometry.outputHeight == h && geometry.outputWidth == w, "Internal: transposed geometry mismatch.")
        let conv = ConvolutionKernels(geometry, batch: n, filters: input.shape[3])
        let out = conv.backwardInput(input, filter, bias: bias, activation: activation)
        let bothGradients = input.requiresGradient && filter.requiresGradient
        return recorded(out, inputs: [input, filter] + (bias.map { [$0] } ?? [])) { g in
            // out = activation(z), z = convᵀ(input, filter) + bias
            let dz = BiasActivation.preActivationGradient(g, output: out, activation: activation)
            // Both gradients read dz's patches: made once when both are wanted (backward
            // runs the input's closure first, which leaves the filter's here).
            var filterGradient: Tensor?
            return [
                {  // ∂L/∂input = conv(dz, filter)
                    if bothGradients, let pair = conv.forwardAndBackwardWeight(dz, filter, input) {
                        filterGradient = pair.dw
                        return pair.y
                    }
                    return conv.forward(dz, filter)
                },
                { filterGradient ?? conv.backwardWeight(dz, input) },  // ∂L/∂filter = Σ dz ⊗ input per tap
                { BiasActivation.biasGradient(dz, width: f) },
            ]  // ∂L/∂bias = Σ_pixels dz
        }
    }

    /// Max pooling over NHWC windows; the gradient flows to the first maximum of each window.
    /// - Returns: [N, OH, OW, C] with OH = ⌊(H − size) / stride⌋ + 1.
    public func maxPooled(size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil) -> Tensor {
        precondition(rank == 4, "maxPooled needs an NHWC batch, not shape \(shape).")
        let stride = stride ?? size
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let window = ConvolutionGeometry(
            inputHeight: h, inputWidth: w, channels: c, kernel: size, stride: stride,
            padding: .valid)
        let (oh, ow) = (window.outputHeight, window.outputWidth)
        let geometry = latent_conv_geometry(
            n: n, h: h, w: w, c: c, f: c, kh: size.0, kw: size.1, sh: stride.0, sw: stride.1,
            pt: 0, pl: 0, oh: oh, ow: ow)
        let perImage = Swift.max(1, oh * ow * c * size.0 * size.1)
        guard GradientMode.isRecording && node != nil else {
            // No gradient: the maxima only, without recording where they were.
            return Tensor(shape: [n, oh, ow, c]) { dst in
                let (x, y) = (storage.pointer, dst.baseAddress!)
                Engine.parallelFor(n, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / perImage)) { r in
                    var local = geometry
                    let status = latent_maxpool_forward(&local, x, y, nil, r.lowerBound, r.upperBound)
                    precondition(status == 0, "maxPooled: out of memory for the row buffers of \(shape).")
                }
            }
        }
        precondition(count <= Int(Int32.max), "maxPooled indexes inputs with 32-bit offsets; \(shape) is too large.")
        var argmax = [Int32](repeating: 0, count: n * oh * ow * c)
        let out = Tensor(shape: [n, oh, ow, c]) { dst in
            argmax.withUnsafeMutableBufferPointer { arg in
                let (x, y, a) = (storage.pointer, dst.baseAddress!, arg.baseAddress!)
                Engine.parallelFor(n, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / perImage)) { r in
                    var local = geometry
                    let status = latent_maxpool_forward(&local, x, y, a, r.lowerBound, r.upperBound)
                    precondition(status == 0, "maxPooled: out of memory for the row buffers of \(shape).")
                }
            }
        }
        let overlapping = stride.0 < size.0 || stride.1 < size.1
        return Tensor.recorded(out, inputs: [self]) { [shape] g in
            // ∂L/∂x: each output's g added to its window's first maximum. Windows may
            // overlap (stride < size), so the scatter adds, in output order.
            [
                {
                    Tensor(shape: shape) { dst in
                        guard let d = dst.baseAddress else { return }
                        argmax.withUnsafeBufferPointer { arg in
                            latent_maxpool_backward(
                                arg.baseAddress, g.storage.pointer, nil, 0, overlapping ? 0 : 1, arg.count, d,
                                dst.count)
                        }
                    }
                }
            ]
        }
    }
}
