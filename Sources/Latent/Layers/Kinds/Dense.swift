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
        precondition(
            x.rank == 2 && x.shape[1] == inputSize,
            "Dense(\(inputSize)→\(outputSize)) needs input [N, \(inputSize)], got \(x.shape).")
        return Tensor.dense(x, weight: weight, bias: bias, activation: activation)
    }
}

extension Dense: SpecifiedLayer {
    /// A Dense layer as data: `{"dense": {"inputSize", "outputSize", "activation"}}`.
    public struct Spec: LayerKind {
        public static let key = "dense"
        public let inputSize: Int
        public let outputSize: Int
        public let activation: Activation

        public var typeName: String { "Dense" }

        public func build(generator: inout RandomGenerator) -> any Layer {
            Dense(inputSize: inputSize, outputSize: outputSize, activation: activation, generator: &generator)
        }

        /// inputSize · outputSize + outputSize.
        public func checkedParameterCount(_ check: LayerCheck) throws -> Int {
            try check.positive(["input size": inputSize, "output size": outputSize])
            return try check.parameters([inputSize, outputSize], plus: outputSize)
        }

        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            guard input == [inputSize] else {
                throw check.fail("expects [\(inputSize)] inputs but receives shape \(input)")
            }
            return [outputSize]
        }
    }

    public var spec: LayerSpec { .dense(inputSize: inputSize, outputSize: outputSize, activation: activation) }
}
