import CLatentKernels
import XCTest

@testable import Latent

/// The direct convolution kernels against the im2col + GEMM formulation, over channel
/// counts that exercise every register-block width (1, 8, 16, 24, 32 and > 32 lanes).
final class ConvolutionKernelTests: XCTestCase {
    func im2colConv(_ x: Tensor, _ k: Tensor, stride: Int, padding: Padding) -> Tensor {
        let g = ConvolutionGeometry(
            inputHeight: x.shape[1], inputWidth: x.shape[2], channels: x.shape[3],
            kernel: (k.shape[0], k.shape[1]), stride: (stride, stride), padding: padding)
        let out = Tensor.matmul(x.unfoldedPatches(g), k.reshaped([g.patchSize, k.shape[3]]))
        return out.reshaped([x.shape[0], g.outputHeight, g.outputWidth, k.shape[3]])
    }

    func testDirectConvolutionMatchesIm2ColWithGradients() {
        var rng = RandomGenerator(seed: 21)
        for (c, f) in [(1, 10), (10, 20), (16, 1), (3, 33), (17, 8), (1, 1), (5, 1), (1, 16), (1, 3), (17, 1)] {
            for (stride, padding) in [(1, Padding.valid), (2, .same), (1, .same)] {
                let x = Tensor.randomUniform([3, 9, 8, c], low: -1, high: 1, using: &rng).requiringGradient()
                let k = Tensor.randomUniform([3, 3, c, f], low: -1, high: 1, using: &rng).requiringGradient()
                let y = Tensor.conv2d(x, filter: k, stride: (stride, stride), padding: padding)
                let x2 = x.detached().requiringGradient()
                let k2 = k.detached().requiringGradient()
                let reference = im2colConv(x2, k2, stride: stride, padding: padding)
                assertClose(y, reference, tolerance: 1e-5, "forward c=\(c) f=\(f)")
                let w = Tensor.randomUniform(y.shape, using: &rng)
                (y * w).sum().backward()
                (reference * w).sum().backward()
                assertClose(x.gradient!, x2.gradient!, tolerance: 1e-5, "dx c=\(c) f=\(f)")
                assertClose(k.gradient!, k2.gradient!, tolerance: 1e-4, "dk c=\(c) f=\(f)")
            }
        }
    }

    /// The weight gradient's patches go through the GEMM in groups of pixel rows that stay
    /// in L2, cut at multiples of the GEMM's K block: the same bits as one product over all
    /// of them (`latent_sgemm_rows` on the whole im2col matrix, at every kernel level). One
    /// image, so the batch is not also cut in two parts
    /// (``ConvolutionKernels/backwardWeight(_:_:)``); 576–2304 pixel rows, so 3–9 groups.
    func testWeightGradientInGroupsGivesTheOneProductBits() {
        var rng = RandomGenerator(seed: 23)
        for (c, f, stride) in [(16, 8, 1), (8, 16, 2), (10, 20, 1)] {
            let x = Tensor.randomUniform([1, 48, 48, c], low: -1, high: 1, using: &rng)
            let k = Tensor.randomUniform([3, 3, c, f], low: -1, high: 1, using: &rng).requiringGradient()
            let y = Tensor.conv2d(x, filter: k, stride: (stride, stride), padding: .same)
            let w = Tensor.randomUniform(y.shape, using: &rng)
            (y * w).sum().backward()  // the output's gradient is w
            let g = ConvolutionGeometry(
                inputHeight: 48, inputWidth: 48, channels: c, kernel: (3, 3), stride: (stride, stride),
                padding: .same)
            let cols = x.unfoldedPatches(g)
            var expected = [Float](repeating: 0, count: g.patchSize * f)
            latent_sgemm_rows(
                1, 0, f, cols.shape[0], 1, cols.storage.pointer, g.patchSize, w.storage.pointer, f, 1, &expected, f,
                0, g.patchSize)
            let differing = zip(k.gradient!.scalars, expected).filter { $0.bitPattern != $1.bitPattern }
            XCTAssertEqual(differing.count, 0, "c=\(c) f=\(f) stride \(stride): elements whose bits differ")
        }
    }

    /// A batch large enough to split across threads gives the same result on 1 and 2.
    func testThreadCountsAgree() {
        var rng = RandomGenerator(seed: 22)
        let x = Tensor.randomUniform([64, 28, 28, 16], using: &rng).requiringGradient()
        let k = Tensor.randomUniform([3, 3, 16, 8], using: &rng).requiringGradient()
        func run(_ threads: Int) -> (Tensor, Tensor, Tensor) {
            let saved = Engine.threadCount
            Engine.threadCount = threads
            defer { Engine.threadCount = saved }
            let x1 = x.detached().requiringGradient()
            let k1 = k.detached().requiringGradient()
            let y = Tensor.conv2d(x1, filter: k1, stride: (2, 2), padding: .same).sigmoid()
            y.sum().backward()
            return (y, x1.gradient!, k1.gradient!)
        }
        let (y1, dx1, dk1) = run(1)
        let (y2, dx2, dk2) = run(2)
        XCTAssertEqual(y1.scalars, y2.scalars)
        XCTAssertEqual(dx1.scalars, dx2.scalars)
        assertClose(dk1, dk2, tolerance: 1e-5)
    }

    /// The bias and activation applied in the convolution's stores (the im2col + GEMM
    /// path, the one-input-channel kernel) or right after each range of images (each image,
    /// for the transposed convolution) give the same bits as the convolution followed by
    /// the separate pass, for every kernel family.
    func testFusedBiasAndActivationGiveTheSeparatePassBits() {
        var rng = RandomGenerator(seed: 23)
        for (c, f) in [(1, 10), (10, 20), (16, 1), (3, 5), (1, 16)] {
            for activation in [Activation.identity, .relu, .sigmoid] {
                for (stride, padding) in [(1, Padding.valid), (2, .same)] {
                    var x = Tensor.randomUniform([3, 12, 11, c], low: -1, high: 1, using: &rng)
                    // Exact zeros and a NaN: relu's and the bias's edge cases.
                    x.withUnsafeMutableBufferPointer {
                        $0[0] = 0
                        $0[5] = -0.0
                        $0[$0.count - 1] = .nan
                    }
                    let k = Tensor.randomUniform([5, 5, c, f], low: -1, high: 1, using: &rng)
                    let bias = Tensor.randomUniform([f], low: -0.5, high: 0.5, using: &rng)
                    let fused = Tensor.conv2d(
                        x, filter: k, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
                    // What the layer did before: the convolution, then one pass over its output.
                    var separate = Tensor.conv2d(x, filter: k, stride: (stride, stride), padding: padding)
                    separate.withUnsafeMutableBufferPointer {
                        BiasActivation.apply(
                            $0.baseAddress!, count: $0.count, width: f, bias: bias, activation: activation)
                    }
                    let what = "c=\(c) f=\(f) \(activation) stride \(stride)"
                    XCTAssertEqual(fused.shape, separate.shape, what)
                    XCTAssertEqual(
                        fused.scalars.map(\.bitPattern), separate.scalars.map(\.bitPattern), what)
                    // The transposed convolution applies them to each image after its col2im.
                    let kt = Tensor.randomUniform([3, 3, f, c], low: -1, high: 1, using: &rng)
                    let tBias = Tensor.randomUniform([f], low: -0.5, high: 0.5, using: &rng)
                    let tFused = Tensor.conv2dTranspose(
                        x, filter: kt, bias: tBias, activation: activation, stride: (stride, stride),
                        padding: padding)
                    var tSeparate = Tensor.conv2dTranspose(x, filter: kt, stride: (stride, stride), padding: padding)
                    tSeparate.withUnsafeMutableBufferPointer {
                        BiasActivation.apply(
                            $0.baseAddress!, count: $0.count, width: f, bias: tBias, activation: activation)
                    }
                    XCTAssertEqual(
                        tFused.scalars.map(\.bitPattern), tSeparate.scalars.map(\.bitPattern), "transposed " + what)
                }
            }
        }
    }

    /// The im2col + GEMM gradients against the plain products on the patch matrix, bit for
    /// bit: the weight gradient (computed as dwᵀ = gyᵀ · cols when F leaves vector lanes
    /// idle) against colsᵀ · gy, and the input gradient (a gather over the patches)
    /// against gy · wᵀ scattered back in the patches' order.
    func testGEMMPathGradientsGiveThePlainProductsBits() {
        var rng = RandomGenerator(seed: 31)
        // Small enough that the weight gradient is one sum over the batch (see backwardWeight);
        // images wider than 256 pixels take the gather's heap-allocated column ranges.
        let cases =
            [(10, 20), (16, 8), (8, 8), (3, 12), (12, 24), (20, 16)].map { (12, 11, 3, $0.0, $0.1) }
            + [(6, 300, 1, 8, 8), (6, 300, 1, 3, 12)]
        for (height, width, n, c, f) in cases {
            for (stride, padding, size) in [(1, Padding.valid, 5), (2, .same, 3), (1, .same, 3)] {
                let shape = ConvolutionGeometry(
                    inputHeight: height, inputWidth: width, channels: c, kernel: (size, size),
                    stride: (stride, stride), padding: padding)
                let kernels = ConvolutionKernels(shape, batch: n, filters: f)
                let (patch, pixels) = (shape.patchSize, shape.outputHeight * shape.outputWidth)
                var x = Tensor.randomUniform([n, height, width, c], low: -1, high: 1, using: &rng)
                x.withUnsafeMutableBufferPointer { $0[1] = -0.0 }
                let gy = Tensor.randomUniform(
                    [n, shape.outputHeight, shape.outputWidth, f], low: -1, high: 1, using: &rng)
                let w = Tensor.randomUniform([size, size, c, f], low: -1, high: 1, using: &rng)
                let cols = x.unfoldedPatches(shape).scalars  // [n·pixels, patch]
                let what = "\(height)×\(width) c=\(c) f=\(f) stride \(stride) \(padding) \(size)×\(size)"

                var dw = [Float](repeating: 0, count: patch * f)
                latent_sgemm_rows(1, 0, f, n * pixels, 1, cols, patch, gy.scalars, f, 1, &dw, f, 0, patch)
                let weightGradient = kernels.backwardWeight(x, gy).scalars
                let weightMisses = zip(weightGradient, dw).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(weightMisses, 0, "weight, " + what)

                var dx = [Float](repeating: 0, count: x.count)
                for image in 0..<n {
                    var patches = [Float](repeating: 0, count: pixels * patch)
                    gy.scalars.withUnsafeBufferPointer { g in
                        latent_sgemm_rows(
                            0, 1, patch, f, 1, g.baseAddress! + image * pixels * f, f, w.scalars, f, 0, &patches,
                            patch, 0, pixels)
                    }
                    // The scatter: every patch entry added to its pixel, patches in order.
                    for oh in 0..<shape.outputHeight {
                        for ow in 0..<shape.outputWidth {
                            for kh in 0..<size {
                                for kw in 0..<size {
                                    let ih = oh * stride + kh - shape.padTop
                                    let iw = ow * stride + kw - shape.padLeft
                                    guard ih >= 0, ih < height, iw >= 0, iw < width else { continue }
                                    for ch in 0..<c {
                                        dx[((image * height + ih) * width + iw) * c + ch] +=
                                            patches[(oh * shape.outputWidth + ow) * patch + (kh * size + kw) * c + ch]
                                    }
                                }
                            }
                        }
                    }
                }
                let inputMisses = zip(kernels.backwardInput(gy, w).scalars, dx).filter {
                    $0.bitPattern != $1.bitPattern
                }
                XCTAssertEqual(inputMisses.count, 0, "input, " + what)
            }
        }
    }

    /// Max pooling without gradients (window rows first, then columns) gives the bits of
    /// the recorded path (which also finds the argmax), NaNs and overlapping windows included.
    func testInferencePoolingGivesTheRecordedBits() {
        var rng = RandomGenerator(seed: 24)
        for (size, stride, c) in [(2, 2, 10), (2, 2, 1), (3, 2, 17), (2, 1, 20), (3, 3, 3)] {
            var x = Tensor.randomUniform([2, 9, 8, c], low: -1, high: 1, using: &rng)
            x.withUnsafeMutableBufferPointer {
                $0[0] = .nan  // first in its window: stays
                $0[c * 9 + 1] = .nan  // later in its window: skipped
            }
            let recorded = x.requiringGradient().maxPooled(size: (size, size), stride: (stride, stride))
            let inference = withoutGradients { x.maxPooled(size: (size, size), stride: (stride, stride)) }
            XCTAssertEqual(
                inference.scalars.map(\.bitPattern), recorded.scalars.map(\.bitPattern), "\(size)/\(stride) c=\(c)")
        }
    }

    /// ``Sequential`` runs a convolution and a 2×2 max pooling as one pass per image (the
    /// planar outputs pooled in cache): the bits of the two layers one after the other, with
    /// and without gradients (the output, and the gradients of the input, kernel and bias),
    /// NaNs included, at LeNet's shapes, odd output sizes (a row or column left out),
    /// outputs wider than one 32-column step, `same` padding, identity and relu. Below the
    /// AVX-512 kernels the pair is not fused, and the layers run one after the other.
    func testFusedConvolutionAndPoolingGiveTheTwoLayersBits() {
        var rng = RandomGenerator(seed: 29)
        let cases: [(h: Int, w: Int, c: Int, f: Int, size: Int, padding: Padding, activation: Activation)] = [
            (28, 28, 1, 10, 5, .valid, .relu), (12, 12, 10, 20, 5, .valid, .relu), (13, 11, 3, 8, 5, .valid, .identity),
            (9, 8, 3, 33, 3, .same, .relu), (6, 40, 2, 9, 3, .valid, .identity),
        ]
        func differing(_ a: Tensor, _ b: Tensor) -> Int {
            a.shape != b.shape ? -1 : zip(a.scalars, b.scalars).filter { $0.bitPattern != $1.bitPattern }.count
        }
        for t in cases {
            let conv = Conv2D(
                inputChannels: t.c, outputChannels: t.f, kernelSize: t.size, padding: t.padding,
                activation: t.activation, generator: &rng)
            // Halves everywhere: the convolution's outputs are multiples of 1/8 and tie within
            // many windows, so the argmax's tie rule decides where gradients go.
            func halves(_ t: Tensor) -> Tensor {
                Tensor(shape: t.shape, scalars: t.scalars.map { ($0 * 2).rounded() / 2 })
            }
            conv.kernel = halves(conv.kernel * 2)
            conv.bias = halves(Tensor.randomUniform([t.f], low: -1, high: 1, using: &rng))
            let pool = MaxPool2D(size: 2)
            let x = halves(Tensor.randomUniform([3, t.h, t.w, t.c], low: -1, high: 1, using: &rng))
            let what = "\(t.h)×\(t.w)×\(t.c) → \(t.f) \(t.size)×\(t.size) \(t.padding) \(t.activation)"
            let geometry = ConvolutionGeometry(
                inputHeight: t.h, inputWidth: t.w, channels: t.c, kernel: (t.size, t.size), stride: (1, 1),
                padding: t.padding)
            var g = ConvolutionKernels(geometry, batch: 3, filters: t.f).geometry
            let fusedHere: Int32 = latent_kernels_level() >= 2 ? 1 : 0
            XCTAssertEqual(latent_conv_fuses_pooling(&g, t.activation.kernelCode), fusedHere, "\(what): fused?")

            var withNaN = x
            withNaN.withUnsafeMutableBufferPointer { $0[5 * t.c] = .nan }
            let fused = withoutGradients { Sequential([conv, pool])(withNaN) }
            let separate = withoutGradients { pool(conv(withNaN)) }
            XCTAssertEqual(differing(fused, separate), 0, "\(what): outputs whose bits differ (inference)")

            let weights = Tensor.randomUniform(fused.shape, low: -1, high: 1, using: &rng)
            func gradients(_ forward: (Tensor) -> Tensor) -> [Tensor] {
                conv.zeroGradients()
                let input = x.requiringGradient()
                let y = forward(input)
                (y * weights).sum().backward()
                return [y, input.gradient!, conv.kernel.gradient!, conv.bias.gradient!]
            }
            let (a, b) = (gradients { Sequential([conv, pool])($0) }, gradients { pool(conv($0)) })
            for (name, (u, v)) in zip(["output", "input gradient", "kernel gradient", "bias gradient"], zip(a, b)) {
                XCTAssertEqual(differing(u, v), 0, "\(what): \(name) elements whose bits differ (training)")
            }
        }
    }

    /// Max pooling's AVX-512 kernel (a window per output pixel, masked channel groups) gives
    /// the template's maxima and argmax at AVX2 and baseline: NaNs first and later in
    /// their windows, ties (halves and signed zeros), 1–33 channels, overlapping windows.
    func testPoolingGivesTheSameBitsAndArgmaxAtEveryLevel() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "needs an AVX-512 host to compare against")
        var rng = RandomGenerator(seed: 28)
        for (size, stride, c) in [(2, 2, 10), (2, 2, 1), (3, 2, 17), (2, 1, 20), (3, 3, 3), (2, 2, 33)] {
            let (n, h, w) = (2, 9, 8)
            var x = Tensor.randomUniform([n, h, w, c], low: -1, high: 1, using: &rng)
            x = Tensor(shape: x.shape, scalars: x.scalars.map { ($0 * 2).rounded() / 2 })
            x.withUnsafeMutableBufferPointer {
                $0[0] = .nan
                $0[c * 9 + 1] = .nan
            }
            let (oh, ow) = ((h - size) / stride + 1, (w - size) / stride + 1)
            var g = latent_conv_geometry(
                n: n, h: h, w: w, c: c, f: c, kh: size, kw: size, sh: stride, sw: stride, pt: 0, pl: 0, oh: oh, ow: ow)
            func run(_ level: Int32, withArg: Bool) -> (values: [UInt32], arg: [Int32]) {
                var y = [Float](repeating: 7, count: n * oh * ow * c)
                var arg = [Int32](repeating: -1, count: y.count)
                let status = arg.withUnsafeMutableBufferPointer {
                    latent_maxpool_forward_level(level, &g, x.storage.pointer, &y, withArg ? $0.baseAddress : nil, 0, n)
                }
                XCTAssertEqual(status, 0)
                return (y.map(\.bitPattern), arg)
            }
            let what = "\(size)/\(stride) c=\(c)"
            for withArg in [false, true] {
                let avx512 = run(2, withArg: withArg)
                for level: Int32 in [1, 0] {
                    let other = run(level, withArg: withArg)
                    XCTAssertEqual(avx512.values, other.values, "\(what) level \(level) arg \(withArg): maxima")
                    XCTAssertEqual(avx512.arg, other.arg, "\(what) level \(level) arg \(withArg): argmax")
                }
            }
        }
    }

    /// The AVX2 one-channel kernels give the AVX-512 ones' bits (one FMA chain per lane in
    /// tap order in both, the same reduction tree): both forwards, both weight gradients,
    /// at the kernel sizes whose AVX-512 weight gradient keeps its taps in registers (5×5,
    /// 3×3) and one that does not (2×2).
    func testOneChannelKernelsGiveTheSameBitsWithAVX2AndAVX512() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "needs an AVX-512 host to compare against")
        var rng = RandomGenerator(seed: 25)
        for (c, f) in [(1, 2), (1, 10), (1, 16), (16, 1), (9, 1)] {
            for (stride, padding, size) in [
                (1, Padding.valid, 5), (2, .same, 5), (1, .same, 3), (2, .same, 3), (1, .valid, 2),
            ] {
                let (n, h, w) = (3, 13, 11)
                let x = Tensor.randomUniform([n, h, w, c], low: -1, high: 1, using: &rng)
                let k = Tensor.randomUniform([size, size, c, f], low: -1, high: 1, using: &rng)
                let geometry = ConvolutionGeometry(
                    inputHeight: h, inputWidth: w, channels: c, kernel: (size, size), stride: (stride, stride),
                    padding: padding)
                var g = ConvolutionKernels(geometry, batch: n, filters: f).geometry
                let gy = Tensor.randomUniform([n, g.oh, g.ow, f], low: -1, high: 1, using: &rng)
                func run(_ level: Int32, kind: Int32, count: Int, _ a: Tensor, _ b: Tensor) -> [UInt32] {
                    var out = [Float](repeating: 0.5, count: count)
                    let ran = latent_conv_one_channel_level(
                        level, kind, &g, a.storage.pointer, b.storage.pointer, &out, 0, n)
                    XCTAssertEqual(ran, 1, "level \(level) kind \(kind) c=\(c) f=\(f)")
                    return out.map(\.bitPattern)
                }
                let what = "c=\(c) f=\(f) stride \(stride) \(size)×\(size)"
                let outputs = n * g.oh * g.ow * f
                XCTAssertEqual(run(1, kind: 0, count: outputs, x, k), run(2, kind: 0, count: outputs, x, k), what)
                let count = size * size * c * f
                XCTAssertEqual(run(1, kind: 1, count: count, x, gy), run(2, kind: 1, count: count, x, gy), what)
            }
        }
    }

    /// The planar forward (vectors over output pixels, stride 1, AVX-512) gives the im2col
    /// GEMM's bits when the patch is one K block (≤ 256 taps): one FMA chain from zero in
    /// tap order per output on both, bias and activation after. Pixel counts that are and
    /// are not whole vectors, filter counts that split into unequal blocks (7, 13, 33), both
    /// paddings, one and several channels, with and without bias and activation. (At the
    /// baseline level the GEMM has no FMA: there the two are only close.)
    func testPlanarForwardGivesTheGEMMPathsBits() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "the planar kernel needs AVX-512")
        var rng = RandomGenerator(seed: 27)
        let cases: [(h: Int, w: Int, c: Int, f: Int, size: Int, padding: Padding)] = [
            (12, 12, 10, 20, 5, .valid), (28, 28, 1, 10, 5, .valid), (9, 8, 3, 33, 3, .same), (13, 11, 4, 7, 5, .same),
            (6, 19, 2, 13, 3, .valid), (5, 5, 9, 16, 3, .same), (7, 30, 28, 9, 3, .same),
        ]
        for t in cases {
            let n = 3
            let x = Tensor.randomUniform([n, t.h, t.w, t.c], low: -1, high: 1, using: &rng)
            let k = Tensor.randomUniform([t.size, t.size, t.c, t.f], low: -1, high: 1, using: &rng)
            let bias = Tensor.randomUniform([t.f], low: -1, high: 1, using: &rng)
            let geometry = ConvolutionGeometry(
                inputHeight: t.h, inputWidth: t.w, channels: t.c, kernel: (t.size, t.size), stride: (1, 1),
                padding: t.padding)
            var g = ConvolutionKernels(geometry, batch: n, filters: t.f).geometry
            for (withBias, activation) in [(false, Activation.identity), (true, .relu), (true, .sigmoid)] {
                func run(_ path: Int32) -> [UInt32] {
                    var y = [Float](repeating: .nan, count: n * g.oh * g.ow * t.f)
                    let ran = latent_conv_forward_path(
                        path, &g, x.storage.pointer, k.storage.pointer, withBias ? bias.storage.pointer : nil,
                        activation.kernelCode, &y, 0, n)
                    XCTAssertEqual(ran, 1, "path \(path)")
                    return y.map(\.bitPattern)
                }
                let what = "\(t.h)×\(t.w)×\(t.c) → \(t.f), \(t.size)×\(t.size) \(t.padding), \(activation)"
                let gemm = run(0)
                XCTAssertFalse(gemm.contains(Float.nan.bitPattern), what)
                assertGEMMBits(run(1), gemm, baselineTolerance: 1e-5, what)
            }
        }
    }

    /// A transposed convolution's backward makes its output gradient's patches once for its
    /// input gradient (a forward convolution) and its kernel gradient: both give the bits of
    /// the two kernels called apart, at every kernel level, and through autodiff the
    /// gradients equal those of graphs that need only one of them. Batches in one part and
    /// in two (the weight gradient's split), strides 1, 2 and 3, both paddings.
    func testSharedPatchesGiveTheForwardAndWeightGradientsBits() {
        var rng = RandomGenerator(seed: 37)
        let cases: [(h: Int, w: Int, c: Int, f: Int, size: Int, stride: Int, padding: Padding, n: Int)] = [
            (28, 28, 16, 8, 3, 2, .same, 9), (14, 14, 8, 8, 3, 2, .same, 3), (14, 14, 16, 8, 3, 2, .same, 40),
            (10, 10, 12, 16, 4, 3, .valid, 5), (11, 9, 5, 32, 3, 1, .same, 4),
        ]
        var shared = 0
        for t in cases {
            let geometry = ConvolutionGeometry(
                inputHeight: t.h, inputWidth: t.w, channels: t.c, kernel: (t.size, t.size),
                stride: (t.stride, t.stride), padding: t.padding)
            let kernels = ConvolutionKernels(geometry, batch: t.n, filters: t.f)
            let x = Tensor.randomUniform([t.n, t.h, t.w, t.c], low: -1, high: 1, using: &rng)
            let k = Tensor.randomUniform([t.size, t.size, t.c, t.f], low: -1, high: 1, using: &rng)
            let gy = Tensor.randomUniform(
                [t.n, geometry.outputHeight, geometry.outputWidth, t.f], low: -1, high: 1, using: &rng)
            let what = "\(t.h)×\(t.w)×\(t.c) → \(t.f), \(t.size)² stride \(t.stride) \(t.padding), batch \(t.n)"
            var g = kernels.geometry
            guard let pair = kernels.forwardAndBackwardWeight(x, k, gy) else {
                XCTAssertEqual(latent_conv_shares_patches(&g), 0, what)
                continue
            }
            shared += 1
            XCTAssertEqual(pair.y.scalars.map(\.bitPattern), kernels.forward(x, k).scalars.map(\.bitPattern), what)
            XCTAssertEqual(
                pair.dw.scalars.map(\.bitPattern), kernels.backwardWeight(x, gy).scalars.map(\.bitPattern), what)

            // Through autodiff: the transposed convolution whose adjoint this is, with its input
            // (gy's shape) and filter both needing gradients, and each alone.
            let weights = Tensor.randomUniform(x.shape, low: -1, high: 1, using: &rng)
            func gradients(input needs: Bool, filter needsFilter: Bool) -> (Tensor?, Tensor?) {
                let input = needs ? gy.requiringGradient() : gy
                let filter = needsFilter ? k.requiringGradient() : k
                let out = Tensor.conv2dTranspose(
                    input, filter: filter, activation: .relu, stride: (t.stride, t.stride), padding: t.padding)
                XCTAssertEqual(out.shape, x.shape, what)
                (out * weights).sum().backward()
                return (input.gradient, filter.gradient)
            }
            let both = gradients(input: true, filter: true)
            let inputAlone = gradients(input: true, filter: false).0
            let filterAlone = gradients(input: false, filter: true).1
            XCTAssertEqual(both.0?.scalars.map(\.bitPattern), inputAlone?.scalars.map(\.bitPattern), what)
            XCTAssertEqual(both.1?.scalars.map(\.bitPattern), filterAlone?.scalars.map(\.bitPattern), what)
        }
        XCTAssertGreaterThanOrEqual(shared, 4, "geometries whose patches were shared")
    }

    /// The weight gradient with its patches read in place (AVX-512) gives the bits of the
    /// stored patches' GEMM: the same products in the same K blocks (the last one partial),
    /// vectors inside one kernel row and across two, patches on the padding copied. Where
    /// the stored path runs the baseline GEMM (no FMA), the two are only close.
    func testImplicitPatchesGiveTheWeightGradientsBits() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "the implicit weight gradient needs AVX-512")
        var rng = RandomGenerator(seed: 41)
        let cases: [(h: Int, w: Int, c: Int, f: Int, size: Int, stride: Int, padding: Padding, n: Int)] = [
            (12, 12, 10, 20, 5, 1, .valid, 10), (14, 14, 16, 8, 3, 2, .same, 16), (28, 28, 16, 8, 3, 2, .same, 3),
            (9, 9, 8, 12, 3, 1, .same, 7), (10, 7, 6, 5, 3, 2, .valid, 9), (8, 8, 33, 3, 3, 1, .same, 5),
        ]
        for t in cases {
            let geometry = ConvolutionGeometry(
                inputHeight: t.h, inputWidth: t.w, channels: t.c, kernel: (t.size, t.size),
                stride: (t.stride, t.stride), padding: t.padding)
            var g = ConvolutionKernels(geometry, batch: t.n, filters: t.f).geometry
            let x = Tensor.randomUniform([t.n, t.h, t.w, t.c], low: -1, high: 1, using: &rng)
            let gy = Tensor.randomUniform([t.n, g.oh, g.ow, t.f], low: -1, high: 1, using: &rng)
            let start = Tensor.randomUniform([t.size, t.size, t.c, t.f], low: -1, high: 1, using: &rng)
            func run(_ path: Int32) -> [UInt32] {
                var dw = start.scalars
                let ran = latent_conv_backward_weight_path(path, &g, x.storage.pointer, gy.storage.pointer, &dw, 0, t.n)
                XCTAssertEqual(ran, 1, "path \(path)")
                return dw.map(\.bitPattern)
            }
            let what = "\(t.h)×\(t.w)×\(t.c) → \(t.f), \(t.size)² stride \(t.stride) \(t.padding), batch \(t.n)"
            assertGEMMBits(run(1), run(0), baselineTolerance: 1e-4, what)
        }
    }

    /// `kernel`'s outputs (bit patterns) against the GEMM path's: the same bits where the GEMM
    /// has FMA; at the baseline level, which rounds each product before adding, only close.
    private func assertGEMMBits(
        _ kernel: [UInt32], _ gemm: [UInt32], baselineTolerance: Float, _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard latent_kernels_level() >= 1 else {
            let far = zip(kernel, gemm).filter {
                let (a, b) = (Float(bitPattern: $0), Float(bitPattern: $1))
                return abs(a - b) > baselineTolerance * (1 + abs(b))
            }
            XCTAssertEqual(far.count, 0, "\(what): elements far from the baseline GEMM's", file: file, line: line)
            return
        }
        XCTAssertEqual(
            zip(kernel, gemm).filter { $0 != $1 }.count, 0, "\(what): elements whose bits differ", file: file,
            line: line)
    }
}
