/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    /// The layers in order. A ``Conv2D`` followed by a 2×2 ``MaxPool2D`` at stride 2 runs
    /// as one pass per image where the kernels fuse them (LeNet's pairs): the same bits,
    /// gradients included, without the convolution's output in memory.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        var i = 0
        while i < layers.count {
            if i + 1 < layers.count, let conv = layers[i] as? Conv2D, let pool = layers[i + 1] as? MaxPool2D,
                let fused = conv.pooled(y, by: pool)
            {
                y = fused
                i += 2
            } else {
                y = layers[i](y)
                i += 1
            }
        }
        return y
    }
}

extension Sequential: SpecifiedLayer {
    /// A stack as data: `{"sequential": {"_0": [layers]}}`.
    public struct Spec: LayerKind {
        public static let key = "sequential"
        public let layers: [LayerSpec]
        // The key Swift gave the enum case's unnamed value, kept so older files load.
        enum CodingKeys: String, CodingKey { case layers = "_0" }

        public var typeName: String { "Sequential" }

        public func build(generator: inout RandomGenerator) -> any Layer {
            Sequential(layers.map { $0.build(generator: &generator) })
        }

        /// The sum of its layers' counts.
        public func checkedParameterCount(_ check: LayerCheck) throws -> Int {
            var total = 0
            for layer in layers {
                let (sum, overflow) = total.addingReportingOverflow(try layer.checkedParameterCount())
                guard !overflow else { throw ModelSpecError("the model has more parameters than an Int can count") }
                total = sum
            }
            return total
        }

        /// Each layer's output is the next one's input.
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            var shape = input
            for (index, layer) in layers.enumerated() {
                shape = try layer.checkedOutputShape(for: shape, path: "\(check.path) › layer \(index)")
            }
            return shape
        }
    }

    /// - Precondition: every layer is a ``SpecifiedLayer`` (all of Latent's are).
    public var spec: LayerSpec {
        .sequential(
            layers.map { layer in
                guard let specified = layer as? any SpecifiedLayer else {
                    preconditionFailure(
                        "\(type(of: layer)) cannot describe its architecture; conform it to SpecifiedLayer.")
                }
                return specified.spec
            })
    }
}
