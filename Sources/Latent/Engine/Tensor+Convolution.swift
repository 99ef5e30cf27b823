import CLatentSupport

// Convolutions are primitives computed directly over NHWC images (C kernels in
// CLatentSupport), with hand-written pullbacks checked against finite differences.
// The patch-extraction primitive (im2col, whose adjoint is col2im) remains for
// experiments and tests of the GEMM formulation.

extension Tensor {
    /// Patches of an NHWC batch as rows: [N, H, W, C] → [N·OH·OW, KH·KW·C].
    func unfoldedPatches(_ g: ConvolutionGeometry) -> Tensor {
        precondition(rank == 4 && shape[1] == g.inputHeight && shape[2] == g.inputWidth && shape[3] == g.channels,
                     "Expected an NHWC batch [N, \(g.inputHeight), \(g.inputWidth), \(g.channels)], got \(shape).")
        let batch = shape[0]
        let out = Tensor(shape: [batch * g.outputHeight * g.outputWidth, g.patchSize]) { cols in
            Im2Col.unfold(storage.pointer, batch: batch, g, into: cols.baseAddress!)
        }
        return Tensor.recorded(out, inputs: [self]) { grad in [grad.foldedPatches(g, batch: batch)] }
    }

    /// The adjoint of ``unfoldedPatches(_:)``: rows of patches summed back into an NHWC batch.
    func foldedPatches(_ g: ConvolutionGeometry, batch: Int) -> Tensor {
        precondition(shape == [batch * g.outputHeight * g.outputWidth, g.patchSize],
                     "Expected patches of shape \([batch * g.outputHeight * g.outputWidth, g.patchSize]), got \(shape).")
        let out = Tensor(shape: [batch, g.inputHeight, g.inputWidth, g.channels]) { x in
            Im2Col.fold(storage.pointer, batch: batch, g, into: x.baseAddress!)
        }
        return Tensor.recorded(out, inputs: [self]) { grad in [grad.unfoldedPatches(g)] }
    }

    /// 2-D convolution (cross-correlation, as in every deep-learning framework).
    ///
    /// - Parameters:
    ///   - input: NHWC batch [N, H, W, C].
    ///   - filter: [KH, KW, C, F] (Keras layout).
    /// - Returns: [N, OH, OW, F].
    ///
    /// Computed directly (``DirectConvolution``), without an im2col buffer: at the
    /// lessons' channel counts (1–20) an im2col GEMM is all memory traffic and degenerate
    /// GEMM shapes. Its gradients are the adjoint convolution and a per-tap outer product.
    ///   - bias: [F], added to every output pixel before `activation` (both fused into
    ///     one pass after the convolution).
    public static func conv2d(_ input: Tensor, filter: Tensor, bias: Tensor? = nil, activation: Activation = .identity,
                              stride: (Int, Int) = (1, 1), padding: Padding = .valid) -> Tensor {
        precondition(input.rank == 4 && filter.rank == 4 && filter.shape[2] == input.shape[3],
                     "conv2d needs input [N, H, W, C] and filter [KH, KW, C, F]; got \(input.shape) and \(filter.shape).")
        let g = ConvolutionGeometry(
            inputHeight: input.shape[1], inputWidth: input.shape[2], channels: input.shape[3],
            kernel: (filter.shape[0], filter.shape[1]), stride: stride, padding: padding)
        let conv = DirectConvolution(g, batch: input.shape[0], filters: filter.shape[3])
        let out = conv.forward(input, filter, bias: bias, activation: activation)
        return recorded(out, inputs: [input, filter] + (bias.map { [$0] } ?? [])) { grad in
            let (dz, db) = BiasActivation.pullback(grad, output: out, activation: activation, width: filter.shape[3],
                                                   biasGradient: bias?.node != nil)
            return [input.node == nil ? nil : conv.backwardInput(dz, filter),
                    filter.node == nil ? nil : conv.backwardWeight(input, dz), db]
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
    public static func conv2dTranspose(_ input: Tensor, filter: Tensor, bias: Tensor? = nil, activation: Activation = .identity,
                                       stride: (Int, Int) = (1, 1), padding: Padding = .valid) -> Tensor {
        precondition(input.rank == 4 && filter.rank == 4 && filter.shape[3] == input.shape[3],
                     "conv2dTranspose needs input [N, H, W, C] and filter [KH, KW, F, C]; got \(input.shape) and \(filter.shape).")
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let (kh, kw, f) = (filter.shape[0], filter.shape[1], filter.shape[2])
        let outH = padding == .same ? h * stride.0 : (h - 1) * stride.0 + kh
        let outW = padding == .same ? w * stride.1 : (w - 1) * stride.1 + kw
        // The convolution this is the adjoint of: [N, outH, outW, F] → [N, h, w, C] with
        // kernel [KH, KW, F, C], which is exactly `filter`.
        let g = ConvolutionGeometry(inputHeight: outH, inputWidth: outW, channels: f,
                                    kernel: (kh, kw), stride: stride, padding: padding)
        precondition(g.outputHeight == h && g.outputWidth == w, "Internal: transposed geometry mismatch.")
        let conv = DirectConvolution(g, batch: n, filters: input.shape[3])
        let out = conv.backwardInput(input, filter, bias: bias, activation: activation)
        return recorded(out, inputs: [input, filter] + (bias.map { [$0] } ?? [])) { grad in
            let (dz, db) = BiasActivation.pullback(grad, output: out, activation: activation, width: f, biasGradient: bias?.node != nil)
            return [input.node == nil ? nil : conv.forward(dz, filter),
                    filter.node == nil ? nil : conv.backwardWeight(dz, input), db]
        }
    }

    /// Max pooling over NHWC windows; the gradient flows to the first maximum of each window.
    /// - Returns: [N, OH, OW, C] with OH = ⌊(H − size) / stride⌋ + 1.
    public func maxPooled(size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil) -> Tensor {
        precondition(rank == 4, "maxPooled needs an NHWC batch, not shape \(shape).")
        let stride = stride ?? size
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, channels: c, kernel: size, stride: stride, padding: .valid)
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let geometry = latent_conv_geometry(n: n, h: h, w: w, c: c, f: c, kh: size.0, kw: size.1, sh: stride.0, sw: stride.1,
                                            pt: 0, pl: 0, oh: oh, ow: ow)
        let perImage = Swift.max(1, oh * ow * c * size.0 * size.1)
        guard GradientMode.isRecording && node != nil else {
            // No gradient: the maxima only, without recording where they were.
            return Tensor(shape: [n, oh, ow, c]) { dst in
                let (x, y) = (storage.pointer, dst.baseAddress!)
                Engine.parallelFor(n, minimumChunk: Swift.max(1, Elementwise.parallelThreshold / perImage)) { r in
                    var local = geometry
                    latent_maxpool_forward(&local, x, y, nil, r.lowerBound, r.upperBound)
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
                    latent_maxpool_forward(&local, x, y, a, r.lowerBound, r.upperBound)
                }
            }
        }
        return Tensor.recorded(out, inputs: [self]) { [shape] grad in
            // Windows may overlap (stride < size), so the scatter adds, in output order.
            let full = Tensor(shape: shape) { dst in
                let d = dst.baseAddress!, gp = grad.storage.pointer
                d.initialize(repeating: 0, count: dst.count)
                argmax.withUnsafeBufferPointer { arg in
                    for k in 0..<arg.count { d[Int(arg[k])] += gp[k] }
                }
            }
            return [full]
        }
    }
}

/// One convolution's geometry and batch, with the three direct kernels (forward, the
/// adjoint for the input gradient, and the weight gradient), split over images across
/// threads.
struct DirectConvolution {
    let geometry: latent_conv_geometry
    let batch: Int

    init(_ g: ConvolutionGeometry, batch: Int, filters: Int) {
        self.batch = batch
        geometry = latent_conv_geometry(
            n: batch, h: g.inputHeight, w: g.inputWidth, c: g.channels, f: filters,
            kh: g.kernelHeight, kw: g.kernelWidth, sh: g.strideHeight, sw: g.strideWidth,
            pt: g.padTop, pl: g.padLeft, oh: g.outputHeight, ow: g.outputWidth)
    }

    /// Multiply-adds per image, to decide how to split a batch: a thread gets at least
    /// 2^20 of them (denoiser training, batch 32: 6.0k samples/s against 4.6k with 2^17
    /// and 5.0k with 2^22 — a thread hand-off costs more than a small chunk's work).
    private var workPerImage: Int { geometry.oh * geometry.ow * geometry.kh * geometry.kw * geometry.c * geometry.f }
    private var imagesPerChunk: Int { Swift.max(1, (1 << 20) / Swift.max(1, workPerImage)) }

    /// Records the GEMM this kernel stands in for (im2col shapes), for `latent bench`.
    private func record(_ kind: Int) {
        guard let recorder = BLAS.recorder else { return }
        let rows = batch * geometry.oh * geometry.ow, patch = geometry.kh * geometry.kw * geometry.c, f = geometry.f
        switch kind {
        case 0: recorder.record(.init(transposeA: false, transposeB: false, m: rows, n: f, k: patch))
        case 1: recorder.record(.init(transposeA: false, transposeB: true, m: rows, n: patch, k: f))
        default: recorder.record(.init(transposeA: true, transposeB: false, m: patch, n: f, k: rows))
        }
    }

    /// [N, H, W, C] → [N, OH, OW, F] with kernel [KH, KW, C, F].
    /// activation(y + bias) is applied in place afterwards (nothing for identity, no bias).
    func forward(_ x: Tensor, _ kernel: Tensor, bias: Tensor? = nil, activation: Activation = .identity) -> Tensor {
        record(0)
        var g = geometry
        // im2col + the row-invariant GEMM per image: 2–2.5× the direct kernels at these
        // models' channel counts (LeNet's 10 → 20, the denoiser's 16 → 8; measured with
        // the C harness in bench/gemm). One input or output channel has its own direct
        // kernels (ConvolutionOneChannel.c), faster than both.
        let viaGEMM = g.f >= 8 && g.c > 1
        return Tensor(shape: [batch, g.oh, g.ow, g.f]) { y in
            Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                if viaGEMM {
                    latent_conv_forward_gemm(&g, x.storage.pointer, kernel.storage.pointer, y.baseAddress!, r.lowerBound, r.upperBound)
                } else {
                    latent_conv_forward(&g, x.storage.pointer, kernel.storage.pointer, y.baseAddress!, r.lowerBound, r.upperBound)
                }
            }
            BiasActivation.apply(y.baseAddress!, count: y.count, width: g.f, bias: bias, activation: activation)
        }
    }

    /// The adjoint: [N, OH, OW, F] → [N, H, W, C].
    /// activation(dx + bias) is applied in place afterwards (the transposed convolution's
    /// forward pass; nothing for identity without bias).
    func backwardInput(_ gy: Tensor, _ kernel: Tensor, bias: Tensor? = nil, activation: Activation = .identity) -> Tensor {
        record(1)
        var g = geometry
        let (taps, c, f) = (g.kh * g.kw, g.c, g.f)
        if f > 1 {
            // GEMM (gy · wᵀ) + col2im per image: faster than the direct kernel at every
            // shape of the lessons but one output channel, which has its own kernel.
            return Tensor(shape: [batch, g.h, g.w, g.c]) { dx in
                Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                    latent_conv_backward_input_gemm(&g, gy.storage.pointer, kernel.storage.pointer, dx.baseAddress!,
                                                    r.lowerBound, r.upperBound)
                }
                BiasActivation.apply(dx.baseAddress!, count: dx.count, width: g.c, bias: bias, activation: activation)
            }
        }
        // The kernel transposed per tap, [KH, KW, F, C], so the inner loop runs over C.
        var transposed = [Float](repeating: 0, count: taps * c * f)
        let k = kernel.storage.pointer
        for t in 0..<taps { for ci in 0..<c { for fi in 0..<f { transposed[(t * f + fi) * c + ci] = k[(t * c + ci) * f + fi] } } }
        return Tensor(shape: [batch, g.h, g.w, g.c]) { dx in
            transposed.withUnsafeBufferPointer { wt in
                Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                    latent_conv_backward_input(&g, gy.storage.pointer, wt.baseAddress!, dx.baseAddress!, r.lowerBound, r.upperBound)
                }
            }
            BiasActivation.apply(dx.baseAddress!, count: dx.count, width: g.c, bias: bias, activation: activation)
        }
    }

    /// The kernel's gradient [KH, KW, C, F] from input x and output gradient gy. The batch
    /// is cut into at most two parts by its size alone (never by the thread count, so the
    /// bits do not depend on it); each part sums its images into its own buffer, on its own
    /// thread when there are two, and the buffers are added in order.
    func backwardWeight(_ x: Tensor, _ gy: Tensor) -> Tensor {
        record(2)
        var g = geometry
        let size = g.kh * g.kw * g.c * g.f
        let workers = Swift.max(1, Swift.min(2, batch / imagesPerChunk))
        return Tensor(shape: [g.kh, g.kw, g.c, g.f]) { dw in
            let out = dw.baseAddress!
            out.initialize(repeating: 0, count: size)
            if workers == 1 {
                latent_conv_backward_weight(&g, x.storage.pointer, gy.storage.pointer, out, 0, batch)
                return
            }
            let partial = UnsafeMutablePointer<Float>.allocate(capacity: size * (workers - 1))
            defer { partial.deallocate() }
            partial.initialize(repeating: 0, count: size * (workers - 1))
            let chunk = (batch + workers - 1) / workers
            Engine.parallelChunks(workers, threads: Engine.workerCount) { w in
                var gw = g
                let start = w * chunk, end = Swift.min(batch, start + chunk)
                let target = w == 0 ? out : partial + (w - 1) * size
                if start < end { latent_conv_backward_weight(&gw, x.storage.pointer, gy.storage.pointer, target, start, end) }
            }
            for w in 1..<workers {
                latent_binary(Int32(LATENT_BIN_ADD), out, 1, partial + (w - 1) * size, 1, out, size)
            }
        }
    }
}
