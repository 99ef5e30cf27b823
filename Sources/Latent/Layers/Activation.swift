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

/// An activation as a layer of its own.
public final class ActivationLayer: Layer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public func callAsFunction(_ x: Tensor) -> Tensor { activation(x) }
}

/// Glorot (Xavier) uniform initialisation, Keras's default: U(−l, l) with
/// l = √(6 / (fanIn + fanOut)).
public func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
    let limit = (6 / Float(fanIn + fanOut)).squareRoot()
    return Tensor.randomUniform(shape, low: -limit, high: limit, using: &generator)
}
