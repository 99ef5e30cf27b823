/// A layer's architecture as data: what a model file stores so the model can be rebuilt
/// before its weights are loaded.
public indirect enum LayerSpec: Codable, Equatable, Sendable {
    case dense(inputSize: Int, outputSize: Int, activation: Activation)
    case conv2d(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Padding, activation: Activation)
    case conv2dTranspose(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Padding, activation: Activation)
    case maxPool2d(size: Int, stride: Int)
    case flatten
    case reshape([Int])
    case activation(Activation)
    case sequential([LayerSpec])

    /// Builds a freshly initialised layer of this architecture.
    public func build(generator: inout RandomGenerator) -> any Layer {
        switch self {
        case let .dense(i, o, a):
            return Dense(inputSize: i, outputSize: o, activation: a, generator: &generator)
        case let .conv2d(i, o, k, s, p, a):
            return Conv2D(inputChannels: i, outputChannels: o, kernelSize: k, stride: s, padding: p, activation: a, generator: &generator)
        case let .conv2dTranspose(i, o, k, s, p, a):
            return Conv2DTranspose(inputChannels: i, outputChannels: o, kernelSize: k, stride: s, padding: p, activation: a, generator: &generator)
        case let .maxPool2d(size, stride):
            return MaxPool2D(size: size, stride: stride)
        case .flatten:
            return Flatten()
        case let .reshape(shape):
            return Reshape(shape)
        case let .activation(a):
            return ActivationLayer(a)
        case let .sequential(specs):
            return Sequential(specs.map { $0.build(generator: &generator) })
        }
    }

    /// A short Keras-like type name for summaries.
    var typeName: String {
        switch self {
        case .dense: return "Dense"
        case .conv2d: return "Conv2D"
        case .conv2dTranspose: return "Conv2DTranspose"
        case .maxPool2d: return "MaxPool2D"
        case .flatten: return "Flatten"
        case .reshape: return "Reshape"
        case let .activation(a): return "Activation(\(a.rawValue))"
        case .sequential: return "Sequential"
        }
    }
}

/// A layer that can describe its own architecture.
public protocol SpecifiedLayer: Layer {
    var spec: LayerSpec { get }
}

extension Dense: SpecifiedLayer {
    public var spec: LayerSpec { .dense(inputSize: inputSize, outputSize: outputSize, activation: activation) }
}
extension Conv2D: SpecifiedLayer {
    public var spec: LayerSpec {
        .conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                stride: stride, padding: padding, activation: activation)
    }
}
extension Conv2DTranspose: SpecifiedLayer {
    public var spec: LayerSpec {
        .conv2dTranspose(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                         stride: stride, padding: padding, activation: activation)
    }
}
extension MaxPool2D: SpecifiedLayer {
    public var spec: LayerSpec { .maxPool2d(size: size, stride: stride) }
}
extension Flatten: SpecifiedLayer {
    public var spec: LayerSpec { .flatten }
}
extension Reshape: SpecifiedLayer {
    public var spec: LayerSpec { .reshape(shape) }
}
extension ActivationLayer: SpecifiedLayer {
    public var spec: LayerSpec { .activation(activation) }
}
extension Sequential: SpecifiedLayer {
    /// - Precondition: every layer is a ``SpecifiedLayer`` (all of Latent's are).
    public var spec: LayerSpec {
        .sequential(layers.map { layer in
            guard let specified = layer as? any SpecifiedLayer else {
                preconditionFailure("\(type(of: layer)) cannot describe its architecture; conform it to SpecifiedLayer.")
            }
            return specified.spec
        })
    }
}
