import CLatentKernels

extension Tensor {
    /// The flat index of the first NaN or ±Inf, or nil when every value is finite: one
    /// vectorised pass, cheap next to anything that then computes with the values.
    public var firstNonFiniteIndex: Int? {
        withUnsafeBufferPointer { x in
            let i = latent_first_non_finite(x.baseAddress, x.count)
            return i < 0 ? nil : i
        }
    }
}
