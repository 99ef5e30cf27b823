/// Pointwise nonlinearities, usable on their own or fused into ``Dense`` and convolutions.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case identity, relu, sigmoid, tanh, softplus

    /// Applies the activation.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        case .softplus: return x.softplus()
        }
    }
}
