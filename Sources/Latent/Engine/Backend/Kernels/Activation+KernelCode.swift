import CLatentKernels

extension Activation {
    /// The activation's code in the C kernels (`LATENT_ACT_*`).
    var kernelCode: Int32 {
        switch self {
        case .identity: return Int32(LATENT_ACT_IDENTITY)
        case .relu: return Int32(LATENT_ACT_RELU)
        case .sigmoid: return Int32(LATENT_ACT_SIGMOID)
        case .tanh: return Int32(LATENT_ACT_TANH)
        case .softplus: return Int32(LATENT_ACT_SOFTPLUS)
        }
    }
}
