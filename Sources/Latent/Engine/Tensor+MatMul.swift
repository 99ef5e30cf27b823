extension Tensor {
    /// Matrix product op(a) · op(b) through SGEMM (``BLAS/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``);
    /// a transpose flag makes the GEMM read the operand transposed, without a copy.
    ///
    /// Shapes: op(a) is [m, k], op(b) is [k, n], the result is [m, n].
    /// Gradients: dA = g · op(b)ᵀ, dB = op(a)ᵀ · g (each mapped back through the flags).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got \(a.shape) and \(b.shape).")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(
            k == k2,
            "matmul inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "").")
        let out = Tensor(shape: [m, n]) { c in
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a.storage.pointer, lda: a.shape[1], b: b.storage.pointer, ldb: b.shape[1],
                c: c.baseAddress!, ldc: n)
        }
        // For C = A·B: ∂L/∂A = g·Bᵀ, ∂L/∂B = Aᵀ·g; a transposed operand swaps the roles.
        return recorded(out, inputs: [a, b]) { g in
            [
                {
                    transposeA
                        ? matmul(b, g, transposeA: transposeB, transposeB: true)
                        : matmul(g, b, transposeA: false, transposeB: !transposeB)
                },
                {
                    transposeB
                        ? matmul(g, a, transposeA: true, transposeB: transposeA)
                        : matmul(a, g, transposeA: !transposeA, transposeB: false)
                },
            ]
        }
    }

    /// Matrix product self · other.
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }
}
