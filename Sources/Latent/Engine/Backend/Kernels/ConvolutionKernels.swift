import CLatentKernels

/// One convolution's geometry and batch, with its three kernels (forward, the adjoint for
/// the input gradient, and the weight gradient), split over images across threads. The C
/// kernels (CLatentKernels' `Convolution.c`) choose how to compute each, once, from the
/// geometry and the CPU.
struct ConvolutionKernels {
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
        let rows = batch * geometry.oh * geometry.ow
        let patch = geometry.kh * geometry.kw * geometry.c
        let f = geometry.f
        switch kind {
        case 0: recorder.record(.init(transposeA: false, transposeB: false, m: rows, n: f, k: patch))
        case 1: recorder.record(.init(transposeA: false, transposeB: true, m: rows, n: patch, k: f))
        default: recorder.record(.init(transposeA: true, transposeB: false, m: patch, n: f, k: rows))
        }
    }

    /// [N, H, W, C] → [N, OH, OW, F] with kernel [KH, KW, C, F], then activation(y + bias):
    /// in the GEMM's stores (im2col path) or right after each thread's images, with the
    /// bits of the separate pass (LeNet scoring spent 7 % in that pass over cold outputs).
    func forward(_ x: Tensor, _ kernel: Tensor, bias: Tensor? = nil, activation: Activation = .identity) -> Tensor {
        record(0)
        var g = geometry
        let b: UnsafePointer<Float>? = bias.map { UnsafePointer($0.storage.pointer) }
        let act = activation.kernelCode
        return Tensor(shape: [batch, g.oh, g.ow, g.f]) { y in
            Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                latent_conv_forward_act(
                    &g, x.storage.pointer, kernel.storage.pointer, b, act, y.baseAddress!, r.lowerBound, r.upperBound)
            }
        }
    }

    /// The shape of ``forwardPooled(_:_:bias:activation:argmax:)``'s result: [N, PH, PW, F].
    var pooledShape: [Int] { [batch, (geometry.oh - 2) / 2 + 1, (geometry.ow - 2) / 2 + 1, geometry.f] }

    /// 2×2 max pooling at stride 2 of ``forward(_:_:bias:activation:)``, in one pass per
    /// image (the planar kernel's outputs pooled in cache: LeNet's conv + pool pairs), with
    /// the bits of the two calls; nil where the C kernels do not fuse them (then call both).
    /// [N, H, W, C] → [N, (OH − 2)/2 + 1, (OW − 2)/2 + 1, F]. With `argmax` (one entry per
    /// output), each output's flat index in the convolution's outputs [N, OH, OW, F], as
    /// max pooling records it.
    func forwardPooled(
        _ x: Tensor, _ kernel: Tensor, bias: Tensor?, activation: Activation,
        argmax: UnsafeMutablePointer<Int32>? = nil
    ) -> Tensor? {
        var g = geometry
        let act = activation.kernelCode
        guard latent_conv_fuses_pooling(&g, act) == 1 else { return nil }
        record(0)
        let b: UnsafePointer<Float>? = bias.map { UnsafePointer($0.storage.pointer) }
        return Tensor(shape: pooledShape) { y in
            Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                let fused = latent_conv_forward_pooled(
                    &g, x.storage.pointer, kernel.storage.pointer, b, act, y.baseAddress!, argmax, r.lowerBound,
                    r.upperBound)
                precondition(fused == 1, "Internal: the fused convolution and pooling refused a geometry it accepted.")
            }
        }
    }

    /// The adjoint: [N, OH, OW, F] → [N, H, W, C], with the forward's kernel [KH, KW, C, F].
    /// activation(dx + bias) is applied to each image right after it is computed, while it
    /// is in cache (the transposed convolution's forward pass; nothing for identity without
    /// bias), with the bits of a separate pass.
    func backwardInput(
        _ gy: Tensor, _ kernel: Tensor, bias: Tensor? = nil, activation: Activation = .identity
    ) -> Tensor {
        record(1)
        var g = geometry
        let b: UnsafePointer<Float>? = bias.map { UnsafePointer($0.storage.pointer) }
        let act = activation.kernelCode
        return Tensor(shape: [batch, g.h, g.w, g.c]) { dx in
            Engine.parallelFor(batch, minimumChunk: imagesPerChunk) { r in
                latent_conv_backward_input_act(
                    &g, gy.storage.pointer, kernel.storage.pointer, b, act, dx.baseAddress!,
                    r.lowerBound, r.upperBound)
            }
        }
    }

    /// The kernel's gradient [KH, KW, C, F] from input x and output gradient gy. The batch
    /// is cut into at most two parts by its size alone (never by the thread count, so the
    /// bits do not depend on it); each part sums its images into its own buffer, on its own
    /// thread when there are two, and the buffers are added in order.
    func backwardWeight(_ x: Tensor, _ gy: Tensor) -> Tensor {
        record(2)
        return weightGradient { g, out, start, end in
            latent_conv_backward_weight(&g, x.storage.pointer, gy.storage.pointer, out, start, end)
        }
    }

    /// ``forward(_:_:bias:activation:)`` without bias or activation and
    /// ``backwardWeight(_:_:)`` with x's patches made once for both, with their bits; nil
    /// where the C kernels would not compute both from patches (then call the two). A
    /// transposed convolution's backward: its input gradient is this forward of its output
    /// gradient, and its kernel gradient reads the same patches.
    func forwardAndBackwardWeight(_ x: Tensor, _ kernel: Tensor, _ gy: Tensor) -> (y: Tensor, dw: Tensor)? {
        var shape = geometry
        guard latent_conv_shares_patches(&shape) == 1 else { return nil }
        record(0)
        record(2)
        var dw: Tensor?
        let y = Tensor(shape: [batch, geometry.oh, geometry.ow, geometry.f]) { out in
            let yOut = out.baseAddress!
            dw = weightGradient { g, dwOut, start, end in
                let both = latent_conv_forward_and_weight(
                    &g, x.storage.pointer, kernel.storage.pointer, gy.storage.pointer, yOut, dwOut, start, end)
                precondition(both == 1, "Internal: the shared patches refused a geometry they accepted.")
            }
        }
        return (y, dw!)
    }

    /// A kernel-sized gradient [KH, KW, C, F] summed over the batch by `accumulate(g, dw,
    /// start, end)`, which adds images start..<end into dw: at most two parts (see
    /// ``backwardWeight(_:_:)``), the second into its own buffer, added in order.
    private func weightGradient(
        _ accumulate: (inout latent_conv_geometry, UnsafeMutablePointer<Float>, Int, Int) -> Void
    ) -> Tensor {
        let g = geometry
        let size = g.kh * g.kw * g.c * g.f
        let workers = Swift.max(1, Swift.min(2, batch / imagesPerChunk))
        return Tensor(shape: [g.kh, g.kw, g.c, g.f]) { dw in
            let out = dw.baseAddress!
            out.initialize(repeating: 0, count: size)
            if workers == 1 {
                var local = g
                accumulate(&local, out, 0, batch)
                return
            }
            let partial = UnsafeMutablePointer<Float>.allocate(capacity: size * (workers - 1))
            defer { partial.deallocate() }
            partial.initialize(repeating: 0, count: size * (workers - 1))
            let chunk = (batch + workers - 1) / workers
            Engine.parallelChunks(workers, threads: Engine.workerCount) { w in
                var local = g
                let start = w * chunk
                let end = Swift.min(batch, start + chunk)
                let target = w == 0 ? out : partial + (w - 1) * size
                if start < end { accumulate(&local, target, start, end) }
            }
            for w in 1..<workers {
                latent_binary(BinaryKernel.add.code, out, 1, partial + (w - 1) * size, 1, out, size)
            }
        }
    }
}
