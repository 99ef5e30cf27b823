import CLatentSupport

/// Matrix products whose rows never depend on the other rows of the batch, for
/// inference: a row scored alone (a server request), in a CLI batch of 4096 or in a
/// Spark partition gets the same bits. BLAS promises only "close": its kernels and
/// threading change with the matrix shape. Used when no gradient is being recorded.
enum RowInvariantGEMM {
    /// C = op(A) · op(B), C [m, n] row-major, rows split across threads.
    static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                         a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int) {
        BLAS.recorder?.record(.init(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        // Each thread packs all of B, so a split pays off only for enough rows.
        let minimumRows = Swift.max(8, (1 << 18) / Swift.max(n * k, 1))
        Engine.parallelFor(m, minimumChunk: minimumRows) { rows in
            latent_sgemm_rows(transposeA ? 1 : 0, transposeB ? 1 : 0, n, k, 1, a, lda, b, ldb, 0, c, ldc,
                              rows.lowerBound, rows.upperBound)
        }
    }

    /// C = activation(A · W + bias), a Dense layer's forward at inference (A [m, k], W [k, n],
    /// bias [n]), rows split across threads: the bits of ``multiply`` then the bias and
    /// activation, with those applied in the GEMM's stores where the kernels can.
    static func dense(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, w: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, activation: Activation, c: UnsafeMutablePointer<Float>) {
        BLAS.recorder?.record(.init(transposeA: false, transposeB: false, m: m, n: n, k: k))
        let minimumRows = Swift.max(8, (1 << 18) / Swift.max(n * k, 1))
        let act = activation.kernelCode
        Engine.parallelFor(m, minimumChunk: minimumRows) { rows in
            latent_dense_rows(n, k, a, k, w, bias, act, c, n, rows.lowerBound, rows.upperBound)
        }
    }
}
