import CLatentKernels

/// An elementwise function of one tensor, by name: what the C kernel `latent_unary`
/// computes for each element (`LATENT_UN_*` in CLatentKernels.h).
enum UnaryKernel {
    case negate, exp, log, sqrt, square, abs, relu, sigmoid, tanh, softplus

    var code: Int32 {
        switch self {
        case .negate: return Int32(LATENT_UN_NEG)
        case .exp: return Int32(LATENT_UN_EXP)
        case .log: return Int32(LATENT_UN_LOG)
        case .sqrt: return Int32(LATENT_UN_SQRT)
        case .square: return Int32(LATENT_UN_SQUARE)
        case .abs: return Int32(LATENT_UN_ABS)
        case .relu: return Int32(LATENT_UN_RELU)
        case .sigmoid: return Int32(LATENT_UN_SIGMOID)
        case .tanh: return Int32(LATENT_UN_TANH)
        case .softplus: return Int32(LATENT_UN_SOFTPLUS)
        }
    }
}
