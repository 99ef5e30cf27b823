/// A layer's architecture as data: what a model file stores so the model can be rebuilt
/// before its weights are loaded.
///
/// The JSON is one key naming the kind, around that kind's fields:
/// `{"dense": {"inputSize": 140, "outputSize": 32, "activation": "relu"}}`.
/// Each kind lives beside its layer (``Dense/Spec``, ``Conv2D/Spec``, …).
public struct LayerSpec: Codable, Equatable, Sendable {
    /// This layer's kind and fields.
    public let kind: any LayerKind

    public init(_ kind: some LayerKind) { self.kind = kind }

    /// Every kind a model file may name. A new layer adds its `Spec` here.
    static let kinds: [any LayerKind.Type] = [
        Dense.Spec.self, Conv2D.Spec.self, Conv2DTranspose.Spec.self, MaxPool2D.Spec.self,
        Flatten.Spec.self, Reshape.Spec.self, ActivationLayer.Spec.self, Sequential.Spec.self,
    ]

    /// Builds a freshly initialised layer of this architecture.
    public func build(generator: inout RandomGenerator) -> any Layer { kind.build(generator: &generator) }

    /// A short Keras-like type name for summaries.
    var typeName: String { kind.typeName }

    var isSequential: Bool { kind is Sequential.Spec }

    public static func == (lhs: LayerSpec, rhs: LayerSpec) -> Bool { lhs.kind.isEqual(to: rhs.kind) }
}

// MARK: - The cases, by name

extension LayerSpec {
    public static func dense(inputSize: Int, outputSize: Int, activation: Activation) -> LayerSpec {
        LayerSpec(Dense.Spec(inputSize: inputSize, outputSize: outputSize, activation: activation))
    }
    public static func conv2d(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
        padding: Padding, activation: Activation
    ) -> LayerSpec {
        LayerSpec(
            Conv2D.Spec(
                inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                stride: stride, padding: padding, activation: activation))
    }
    public static func conv2dTranspose(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
        padding: Padding, activation: Activation
    ) -> LayerSpec {
        LayerSpec(
            Conv2DTranspose.Spec(
                inputChannels: inputChannels, outputChannels: outputChannels,
                kernelSize: kernelSize, stride: stride, padding: padding, activation: activation))
    }
    public static func maxPool2d(size: Int, stride: Int) -> LayerSpec {
        LayerSpec(MaxPool2D.Spec(size: size, stride: stride))
    }
    public static var flatten: LayerSpec { LayerSpec(Flatten.Spec()) }
    public static func reshape(_ shape: [Int]) -> LayerSpec { LayerSpec(Reshape.Spec(shape: shape)) }
    public static func activation(_ activation: Activation) -> LayerSpec {
        LayerSpec(ActivationLayer.Spec(activation: activation))
    }
    public static func sequential(_ layers: [LayerSpec]) -> LayerSpec { LayerSpec(Sequential.Spec(layers: layers)) }
}

// MARK: - Checks on an untrusted architecture

extension LayerSpec {
    /// The number of scalar parameters this layer would have, checked: every size must be
    /// positive and the count must fit in an `Int` (a sequential's is the sum of its layers).
    ///
    /// A model file's JSON is untrusted: a layer with a zero or negative size would trap
    /// in the layer's initializer, and one with huge sizes would allocate whatever it asks
    /// for. ``ModelFile/load(from:)`` compares this count with the weights file's size.
    /// - Throws: ``ModelSpecError`` naming the layer and the size that is wrong.
    public func checkedParameterCount() throws -> Int {
        try kind.checkedParameterCount(LayerCheck(path: "", typeName: typeName))
    }

    /// The shape of one example after this layer, given the shape before it, following the
    /// same arithmetic the layer uses (overflow-checked), so that a Dense expecting 140
    /// inputs behind 100 fails here, naming the layer, instead of on a precondition at the
    /// first batch.
    /// - Parameter path: where this layer sits ("encoder layer 2"), for messages.
    /// - Throws: ``ModelSpecError`` naming the layer, its kind and both shapes.
    func checkedOutputShape(for input: [Int], path: String) throws -> [Int] {
        try kind.checkedOutputShape(for: input, LayerCheck(path: path, typeName: typeName))
    }
}

// MARK: - Codable: one key, the kind's fields inside

extension LayerSpec {
    private struct KindKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.typeMismatch(
                LayerSpec.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "a layer is one key naming its kind (\(Self.knownKeys)); found \(container.allKeys.count) keys")
            )
        }
        guard let type = Self.kinds.first(where: { $0.key == key.stringValue }) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "no layer kind is named \"\(key.stringValue.prefix(40))\"; known: \(Self.knownKeys)")
        }
        kind = try type.init(from: container.superDecoder(forKey: key))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try kind.encode(to: container.superEncoder(forKey: KindKey(stringValue: type(of: kind).key)))
    }

    private static var knownKeys: String { kinds.map { $0.key }.joined(separator: ", ") }
}

/// A layer that can describe its own architecture.
public protocol SpecifiedLayer: Layer {
    var spec: LayerSpec { get }
}
