import CLatentKernels

/// Latent's own GEMM (CLatentKernels' `RowInvariantGEMM.c`): each row of C is computed by
/// the same instructions whatever the rows around it, so a row scored alone (a server
/// request), in a CLI batch of 4096 or in a Spark partition gets the same bits. BLAS
/// promises only "close": its kernels and threading change with the matrix shape.
///
/// Inference always runs it; training runs it through ``BLAS/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// where the CPU has AVX2 or AVX-512 (``BLAS/usesOwnKernels``).
enum RowInvariantGEMM {
    /// How ``multiply(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:bias:activation:split:)``
    /// splits the rows over threads. Rows are independent, so every split gives the same
    /// bits; the split changes only the speed.
    enum Split {
        /// Training's products: one thread below ``BLAS/threadedWorkThreshold``
        /// multiply-adds, else whole 14-row tiles (the AVX-512 kernel's), at least 28 rows
        /// a thread.
        case training
        /// Inference: at least ``inferenceMinimumRows(n:k:)`` rows a thread.
        case inference
    }

    /// Rows a thread gets at least at inference: each thread reads all of B, so a split
    /// pays off only for enough rows.
    static func inferenceMinimumRows(n: Int, k: Int) -> Int { Swift.max(8, (1 << 18) / Swift.max(n * k, 1)) }

    /// C = alpha · op(A) · op(B) + beta · C, row-major, rows split over threads by `split`.
    ///
    /// With a `bias` or an `activation`, C = activation(A · B + bias) instead: a Dense
    /// layer's forward (no transposes, alpha 1, beta 0, ldb = n), the bias and activation
    /// applied in the GEMM's stores where the kernels can, with the bits of the product
    /// followed by ``BiasActivation/apply(_:count:width:bias:activation:)``.
    static func multiply(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil, activation: Activation = .identity,
        split: Split
    ) {
        BLAS.recorder?.record(.init(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        let fused = bias != nil || activation != .identity
        precondition(
            !fused || (!transposeA && !transposeB && alpha == 1 && beta == 0 && ldb == n),
            "A fused bias or activation needs C = A · B with B [k, n] row-major.")
        let workers: Int
        let chunk: Int
        switch split {
        case .training:
            workers = m * n * k >= BLAS.threadedWorkThreshold ? Swift.min(Engine.workerCount, Swift.max(1, m / 28)) : 1
            chunk = ((m + workers - 1) / workers + 13) / 14 * 14
        case .inference:
            workers = Swift.max(1, Swift.min(Engine.workerCount, m / inferenceMinimumRows(n: n, k: k)))
            chunk = (m + workers - 1) / workers
        }
        let (ta, tb, act) = (Int32(transposeA ? 1 : 0), Int32(transposeB ? 1 : 0), activation.kernelCode)
        Engine.parallelChunks(workers) { w in
            let lower = w * chunk
            let upper = Swift.min(m, lower + chunk)
            guard lower < upper else { return }
            if fused {
                latent_dense_rows(n, k, a, lda, b, bias, act, c, ldc, lower, upper)
            } else {
                latent_sgemm_rows(ta, tb, n, k, alpha, a, lda, b, ldb, beta, c, ldc, lower, upper)
            }
        }
    }
}
