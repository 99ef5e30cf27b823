extension Tensor {
    /// The tensor with Gaussian noise added, for denoising autoencoders:
    ///
    /// ```text
    /// x̃ = clip(x + factor · ε, range),   ε ~ N(0, 1) drawn from `generator`
    /// ```
    ///
    /// - Parameters:
    ///   - factor: the noise standard deviation.
    ///   - range: the interval the result is clipped to (default [0, 1], the range of
    ///     scaled images); `nil` for no clipping.
    ///   - generator: the source of the noise.
    /// - Returns: a new tensor of the same shape (a constant: no gradient graph).
    public func addingGaussianNoise(
        factor: Float, clippingTo range: ClosedRange<Float>? = 0...1,
        using generator: inout RandomGenerator
    ) -> Tensor {
        withUnsafeBufferPointer { x in
            Tensor(shape: shape) { out in
                for i in 0..<x.count {
                    let v = x[i] + factor * generator.nextNormal()
                    out[i] =
                        range.map { Swift.min(Swift.max(v, $0.lowerBound), $0.upperBound) } ?? v
                }
            }
        }
    }
}
