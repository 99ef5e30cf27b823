// Convolutions are compositions: a patch-extraction primitive (im2col, whose adjoint
// is col2im) and one matrix product. Their gradients follow from those two rules.

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
    public static func conv2d(_ input: Tensor, filter: Tensor, stride: (Int, Int) = (1, 1), padding: Padding = .valid) -> Tensor {
        precondition(input.rank == 4 && filter.rank == 4 && filter.shape[2] == input.shape[3],
                     "conv2d needs input [N, H, W, C] and filter [KH, KW, C, F]; got \(input.shape) and \(filter.shape).")
        let g = ConvolutionGeometry(
            inputHeight: input.shape[1], inputWidth: input.shape[2], channels: input.shape[3],
            kernel: (filter.shape[0], filter.shape[1]), stride: stride, padding: padding)
        let f = filter.shape[3]
        let cols = input.unfoldedPatches(g)
        let out = matmul(cols, filter.reshaped([g.patchSize, f]))
        return out.reshaped([input.shape[0], g.outputHeight, g.outputWidth, f])
    }

    /// Transposed 2-D convolution: the adjoint of ``conv2d(_:filter:stride:padding:)``,
    /// so with stride 2 and `same` padding it doubles height and width (7 → 14 → 28), as
    /// Keras's `Conv2DTranspose` does.
    ///
    /// - Parameters:
    ///   - input: NHWC batch [N, H, W, C].
    ///   - filter: [KH, KW, F, C] (Keras layout: output channels before input channels).
    /// - Returns: [N, H·s, W·s, F] for `same` padding; [N, (H−1)·s + KH, …] for `valid`.
    public static func conv2dTranspose(_ input: Tensor, filter: Tensor, stride: (Int, Int) = (1, 1), padding: Padding = .valid) -> Tensor {
        precondition(input.rank == 4 && filter.rank == 4 && filter.shape[3] == input.shape[3],
                     "conv2dTranspose needs input [N, H, W, C] and filter [KH, KW, F, C]; got \(input.shape) and \(filter.shape).")
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (kh, kw, f) = (filter.shape[0], filter.shape[1], filter.shape[2])
        let outH = padding == .same ? h * stride.0 : (h - 1) * stride.0 + kh
        let outW = padding == .same ? w * stride.1 : (w - 1) * stride.1 + kw
        let g = ConvolutionGeometry(inputHeight: outH, inputWidth: outW, channels: f,
                                    kernel: (kh, kw), stride: stride, padding: padding)
        precondition(g.outputHeight == h && g.outputWidth == w, "Internal: transposed geometry mismatch.")
        let cols = matmul(input.reshaped([n * h * w, c]), filter.reshaped([kh * kw * f, c]), transposeB: true)
        return cols.foldedPatches(g, batch: n)
    }

    /// Max pooling over NHWC windows; the gradient flows to the first maximum of each window.
    /// - Returns: [N, OH, OW, C] with OH = ⌊(H − size) / stride⌋ + 1.
    public func maxPooled(size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil) -> Tensor {
        precondition(rank == 4, "maxPooled needs an NHWC batch, not shape \(shape).")
        let stride = stride ?? size
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, channels: c, kernel: size, stride: stride, padding: .valid)
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        var argmax = [Int32](repeating: 0, count: n * oh * ow * c)
        let out = Tensor(shape: [n, oh, ow, c]) { dst in
            let src = storage.pointer
            argmax.withUnsafeMutableBufferPointer { arg in
                for b in 0..<n { for y in 0..<oh { for x in 0..<ow {
                    let o = ((b * oh + y) * ow + x) * c
                    for ch in 0..<c {
                        let first = ((b * h + y * stride.0) * w + x * stride.1) * c + ch
                        var best = src[first], bestIndex = first
                        for ky in 0..<size.0 { for kx in 0..<size.1 {
                            let i = ((b * h + y * stride.0 + ky) * w + x * stride.1 + kx) * c + ch
                            if src[i] > best { best = src[i]; bestIndex = i }
                        } }
                        dst[o + ch] = best
                        arg[o + ch] = Int32(bestIndex)
                    }
                } } }
            }
        }
        return Tensor.recorded(out, inputs: [self]) { [shape] grad in
            var full = Tensor.zeros(shape)
            full.withUnsafeMutableBufferPointer { dst in
                grad.withUnsafeBufferPointer { gsrc in
                    for (k, i) in argmax.enumerated() { dst[Int(i)] += gsrc[k] }
                }
            }
            return [full]
        }
    }
}
