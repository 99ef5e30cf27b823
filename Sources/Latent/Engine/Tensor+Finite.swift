import CLatentKernels

extension Tensor {
    /// The flat index of the first NaN or ±Inf, or nil when every value is finite: one
    /// vectorised pass, cheap next to anything that then computes with the values.
    public var firstNonFiniteIndex: Int? {
        withUnsafeBufferPointer(Self.firstNonFiniteIndex(in:))
    }

    /// ``firstNonFiniteIndex`` of values not (yet) in a tensor, such as a request's.
    public static func firstNonFiniteIndex(in values: UnsafeBufferPointer<Float>) -> Int? {
        let i = latent_first_non_finite(values.baseAddress, values.count)
        return i < 0 ? nil : i
    }
}
