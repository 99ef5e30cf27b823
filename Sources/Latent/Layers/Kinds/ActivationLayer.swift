/// An activation as a layer of its own.
public final class ActivationLayer: Layer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public func callAsFunction(_ x: Tensor) -> Tensor { activation(x) }
}

extension ActivationLayer: SpecifiedLayer {
    /// An activation layer as data: `{"activation": {"_0": "relu"}}`.
    public struct Spec: LayerKind {
        public static let key = "activation"
        public let activation: Activation
        // The key Swift gave the enum case's unnamed value, kept so older files load.
        enum CodingKeys: String, CodingKey { case activation = "_0" }

        public var typeName: String { "Activation(\(activation.rawValue))" }
        public func build(generator: inout RandomGenerator) -> any Layer { ActivationLayer(activation) }
        public func checkedParameterCount(_ check: LayerCheck) throws -> Int { 0 }
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] { input }
    }

    public var spec: LayerSpec { .activation(activation) }
}
