/// A fully connected layer: y = activation(x · W + b).
///
/// Shapes: x [N, inputSize], W [inputSize, outputSize], b [outputSize], y [N, outputSize].
/// Weights start Glorot-uniform and biases at zero, as in Keras.
public final class Dense: Layer {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    public let activation: Activation

    /// - Parameters:
    ///   - inputSize: features per input row.
    ///   - outputSize: units.
    ///   - activation: applied after the affine map.
    ///   - generator: source of the initial weights.
    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity, generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Dense needs positive sizes, got \(inputSize)→\(outputSize).")
        weight = glorotUniform([inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator)
        bias = Tensor.zeros([outputSize])
        self.activation = activation
    }

    public var inputSize: Int { weight.shape[0] }
    public var outputSize: Int { weight.shape[1] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "Dense(\(inputSize)→\(outputSize)) needs input [N, \(inputSize)], got \(x.shape).")
        return Tensor.dense(x, weight: weight, bias: bias, activation: activation)
    }
}
