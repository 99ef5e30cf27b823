/// How a convolution window pads its input.
public enum Padding: String, Codable, Sendable, CaseIterable {
    /// No padding: output = ⌊(input − kernel) / stride⌋ + 1.
    case valid
    /// Zero padding so output = ⌈input / stride⌉; when the total padding is odd the extra
    /// row/column goes after (bottom/right), as in TensorFlow and Keras.
    case same
}

/// Sizes of one 2-D convolution over NHWC images: input and output extents, kernel,
/// stride and the zero padding before each spatial axis.
struct ConvolutionGeometry: Equatable {
    let inputHeight, inputWidth, channels: Int
    let kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth: Int
    let padTop, padLeft: Int
    let outputHeight, outputWidth: Int

    init(inputHeight: Int, inputWidth: Int, channels: Int, kernel: (Int, Int), stride: (Int, Int), padding: Padding) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        func axis(_ n: Int, _ k: Int, _ s: Int) -> (out: Int, padBefore: Int) {
            switch padding {
            case .valid:
                precondition(n >= k, "A \(k)-wide kernel does not fit a \(n)-wide input without padding.")
                return ((n - k) / s + 1, 0)
            case .same:
                let out = (n + s - 1) / s
                let total = Swift.max((out - 1) * s + k - n, 0)
                return (out, total / 2)
            }
        }
        let h = axis(inputHeight, kernelHeight, strideHeight)
        let w = axis(inputWidth, kernelWidth, strideWidth)
        (outputHeight, padTop) = (h.out, h.padBefore)
        (outputWidth, padLeft) = (w.out, w.padBefore)
    }

    /// Columns of one im2col row: kernelHeight × kernelWidth × channels.
    var patchSize: Int { kernelHeight * kernelWidth * channels }
}

/// im2col and its adjoint col2im over NHWC batches: the layout that turns a convolution
/// into one GEMM, [N·OH·OW, KH·KW·C] × [KH·KW·C, F].
enum Im2Col {
    /// cols[(n, oh, ow), (kh, kw, c)] = x[n, oh·s + kh − pad, ow·s + kw − pad, c] (0 outside).
    static func unfold(_ x: UnsafePointer<Float>, batch: Int, _ g: ConvolutionGeometry, into cols: UnsafeMutablePointer<Float>) {
        let c = g.channels, rowsPerImage = g.outputHeight * g.outputWidth
        Engine.parallelFor(batch * g.outputHeight, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.outputWidth * g.patchSize))) { range in
            for nh in range {
                let n = nh / g.outputHeight, oh = nh % g.outputHeight
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
    static func fold(_ cols: UnsafePointer<Float>, batch: Int, _ g: ConvolutionGeometry, into x: UnsafeMutablePointer<Float>) {
        let c = g.channels, rowsPerImage = g.outputHeight * g.outputWidth
        let imageSize = g.inputHeight * g.inputWidth * c
        // Images are independent, so they can be folded in parallel without races.
        Engine.parallelFor(batch, minimumChunk: Swift.max(1, 8192 / Swift.max(1, rowsPerImage * g.patchSize))) { range in
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
                                    Vector.add(d, src, into: d, count: c)
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
