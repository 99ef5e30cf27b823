import CLatentKernels

/// An elementwise function of two tensors (a, b), by name: what the C kernel
/// `latent_binary` computes (`LATENT_BIN_*` in CLatentKernels.h). The gradient kernels
/// take the upstream gradient g as a and the op's input x or output y as b.
enum BinaryKernel {
    /// a + b
    case add
    /// a − b
    case subtract
    /// a · b
    case multiply
    /// a / b
    case divide
    /// b (a copy of b broadcast to the shape of both)
    case second
    /// −a / b
    case negatedQuotient
    /// g · (x > 0 ? 1 : 0)
    case reluGradient
    /// g · y(1 − y), y = sigmoid(x)
    case sigmoidGradient
    /// g · (1 − y²), y = tanh(x)
    case tanhGradient
    /// g · 2x
    case squareGradient
    /// g · sign(x)
    case absGradient
    /// g / 2y, y = √x
    case sqrtGradient
    /// g · sigmoid(x)
    case softplusGradient

    var code: Int32 {
        switch self {
        case .add: return Int32(LATENT_BIN_ADD)
        case .subtract: return Int32(LATENT_BIN_SUB)
        case .multiply: return Int32(LATENT_BIN_MUL)
        case .divide: return Int32(LATENT_BIN_DIV)
        case .second: return Int32(LATENT_BIN_SECOND)
        case .negatedQuotient: return Int32(LATENT_BIN_NEG_DIV)
        case .reluGradient: return Int32(LATENT_BIN_RELU_GRAD)
        case .sigmoidGradient: return Int32(LATENT_BIN_SIGMOID_GRAD)
        case .tanhGradient: return Int32(LATENT_BIN_TANH_GRAD)
        case .squareGradient: return Int32(LATENT_BIN_SQUARE_GRAD)
        case .absGradient: return Int32(LATENT_BIN_ABS_GRAD)
        case .sqrtGradient: return Int32(LATENT_BIN_SQRT_GRAD)
        case .softplusGradient: return Int32(LATENT_BIN_SOFTPLUS_GRAD)
        }
    }
}
