/// How a loss turns per-element values into its result.
public enum LossReduction: String, Codable, Sendable {
    /// The mean over every element (Keras's and PyTorch's default).
    case mean
    /// The sum over every element.
    case sum
    /// Per-element values, unreduced.
    case none

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .mean: return x.mean()
        case .sum: return x.sum()
        case .none: return x
        }
    }
}

/// Mean squared error: mean((ŷ − y)²).
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    if reduction == .mean, prediction.shape == target.shape {
        return Tensor.meanDistance(prediction, target, absolute: false)
    }
    return reduction.apply((prediction - target).squared())
}

/// Mean absolute error: mean(|ŷ − y|).
public func meanAbsoluteError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    if reduction == .mean, prediction.shape == target.shape {
        return Tensor.meanDistance(prediction, target, absolute: true)
    }
    return reduction.apply((prediction - target).abs())
}

/// Binary cross-entropy from probabilities, with p clipped to [ε, 1 − ε] as Keras does
/// so log never sees 0:
/// ```
/// −[y · log(p) + (1 − y) · log(1 − p)]
/// ```
/// Keras's ε is 1e-7.
public func binaryCrossEntropy(
    probabilities p: Tensor, targets y: Tensor, epsilon: Float = 1e-7,
    reduction: LossReduction = .mean
) -> Tensor {
    let q = p.clamped(min: epsilon, max: 1 - epsilon)
    return reduction.apply(-(y * q.log() + (1 - y) * (1 - q).log()))
}

/// Binary cross-entropy from logits z, stable for any |z|:
/// ```
/// max(z, 0) − z · y + log(1 + e^−|z|)  =  softplus(z) − z · y
/// ```
public func binaryCrossEntropy(logits z: Tensor, targets y: Tensor, reduction: LossReduction = .mean) -> Tensor {
    reduction.apply(z.softplus() - z * y)
}

/// KL divergence of N(μ, σ²) from N(0, 1), per latent coordinate, with the encoder's
/// log standard deviation s = log σ:
/// ```
/// KL = ½ (μ² + e^{2s} − 1) − s
/// ```
/// Reduced over every element by `reduction` (the mean by default; the ELBO's sum over
/// latent axes is `.sum` divided by the batch size).
public func gaussianKLDivergence(
    mean mu: Tensor, logStandardDeviation s: Tensor, reduction: LossReduction = .mean
) -> Tensor {
    reduction.apply(0.5 * (mu.squared() + (2 * s).exp() - 1) - s)
}

/// An L2 penalty on a tensor (for example a code): mean(x²) by default.
public func l2Penalty(_ x: Tensor, reduction: LossReduction = .mean) -> Tensor {
    reduction.apply(x.squared())
}
