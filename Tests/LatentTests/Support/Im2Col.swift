@testable import Latent

// The GEMM formulation of a convolution, in Swift: the reference the C kernels are tested
// against (ConvolutionKernelTests, RowBlocksTests). Test-only; the library's
// convolutions are CLatentKernels' Convolution.c.

extension Tensor {
    /// Patches of an NHWC batch as rows: [N, H, W, C] → [N·OH·OW, KH·KW·C].
    func unfoldedPatches(_ g: ConvolutionGeometry) -> Tensor {
        precondition(
            rank == 4 && shape[1] == g.inputHeight && shape[2] == g.inputWidth && shape[3] == g.channels,
            "Expected an NHWC batch [N, \(g.inputHeight), \(g.inputWidth), \(g.channels)], got \(shape).")
        let batch = shape[0]
        let out = Tensor(shape: [batch * g.outputHeight * g.outputWidth, g.patchSize]) { cols in
            Im2Col.unfold(storage.pointer, batch: batch, g, into: cols.baseAddress!)
        }
        return Tensor.recorded(out, inputs: [self]) { grad in [{ grad.foldedPatches(g, batch: batch) }] }
    }

    /// The adjoint of ``unfoldedPatches(_:)``: rows of patches summed back into an NHWC batch.
    func foldedPatches(_ g: ConvolutionGeometry, batch: Int) -> Tensor {
        precondition(
            shape == [batch * g.outputHeight * g.outputWidth, g.patchSize],
            "Expected patches of shape \([batch * g.outputHeight * g.outputWidth, g.patchSize]), got \(shape).")
        let out = Tensor(shape: [batch, g.inputHeight, g.inputWidth, g.channels]) { x in
            Im2Col.fold(storage.pointer, batch: batch, g, into: x.baseAddress!)
        }
        return Tensor.recorded(out, inputs: [self]) { grad in [{ grad.unfoldedPatches(g) }] }
    }
}

/// im2col and its adjoint col2im over NHWC batches: the layout that turns a convolution
/// into one GEMM, [N·OH·OW, KH·KW·C] × [KH·KW·C, F].
enum Im2Col {
    /// cols[(n, oh, ow), (kh, kw, c)] = x[n, oh·s + kh − pad, ow·s + kw − pad, c] (0 outside).
    static func unfold(
        _ x: UnsafePointer<Float>, batch: Int, _ g: ConvolutionGeometry, into cols: UnsafeMutablePointer<Float>
    ) {
        let c = g.channels
        let rowsPerImage = g.outputHeight * g.outputWidth
        Engine.parallelFor(
            batch * g.outputHeight, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.outputWidth * g.patchSize))
        ) { range in
            for nh in range {
                let n = nh / g.outputHeight
                let oh = nh % g.outputHeight
                let image = x + n * g.inputHeight * g.inputWidth * c
                for ow in 0..<g.outputWidth {
                    var dst = cols + ((n * rowsPerImage) + oh * g.outputWidth + ow) * g.patchSize
                    for kh in 0..<g.kernelHeight {
                        let ih = oh * g.strideHeight + kh - g.padTop
                        for kw in 0..<g.kernelWidth {
                            let iw = ow * g.strideWidth + kw - g.padLeft
                            if ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth {
                                dst.update(from: image + (ih * g.inputWidth + iw) * c, count: c)
                            } else {
                                dst.update(repeating: 0, count: c)
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of ``unfold``: x[n, ih, iw, c] = Σ of every column entry that read it.
    static func fold(
        _ cols: UnsafePointer<Float>, batch: Int, _ g: ConvolutionGeometry, into x: UnsafeMutablePointer<Float>
    ) {
        let c = g.channels
        let rowsPerImage = g.outputHeight * g.outputWidth
        let imageSize = g.inputHeight * g.inputWidth * c
        // Images are independent, so they can be folded in parallel without races.
        Engine.parallelFor(batch, minimumChunk: Swift.max(1, 8192 / Swift.max(1, rowsPerImage * g.patchSize))) {
            range in
            for n in range {
                let image = x + n * imageSize
                image.update(repeating: 0, count: imageSize)
                for oh in 0..<g.outputHeight {
                    for ow in 0..<g.outputWidth {
                        var src = cols + ((n * rowsPerImage) + oh * g.outputWidth + ow) * g.patchSize
                        for kh in 0..<g.kernelHeight {
                            let ih = oh * g.strideHeight + kh - g.padTop
                            for kw in 0..<g.kernelWidth {
                                let iw = ow * g.strideWidth + kw - g.padLeft
                                if ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth {
                                    let d = image + (ih * g.inputWidth + iw) * c
                                    for i in 0..<c { d[i] += src[i] }
                                }
                                src += c
                            }
                        }
                    }
                }
            }
        }
    }
}
