/// A whole model's architecture: the JSON half of a model file.
public enum ModelSpec: Codable, Equatable, Sendable {
    case layer(LayerSpec)
    case autoencoder(encoder: LayerSpec, decoder: LayerSpec)
    case variationalAutoencoder(encoder: LayerSpec, mean: LayerSpec, logSD: LayerSpec, decoder: LayerSpec)

    /// Builds a freshly initialised model of this architecture.
    public func build(generator: inout RandomGenerator) throws -> any Model {
        func sequential(_ spec: LayerSpec) throws -> Sequential {
            guard spec.isSequential, let s = spec.build(generator: &generator) as? Sequential else {
                throw ModelSpecError("expected a sequential part, found \(spec.typeName)")
            }
            return s
        }
        func dense(_ spec: LayerSpec) throws -> Dense {
            guard spec.kind is Dense.Spec, let d = spec.build(generator: &generator) as? Dense else {
                throw ModelSpecError("expected a dense head, found \(spec.typeName)")
            }
            return d
        }
        switch self {
        case .layer(let spec):
            return try sequential(spec.isSequential ? spec : .sequential([spec]))
        case .autoencoder(let encoder, let decoder):
            return Autoencoder(encoder: try sequential(encoder), decoder: try sequential(decoder))
        case .variationalAutoencoder(let encoder, let mean, let logSD, let decoder):
            let e = try sequential(encoder)
            let m = try dense(mean)
            let s = try dense(logSD)
            let d = try sequential(decoder)
            guard m.outputSize == s.outputSize else { throw ModelSpecError("the mean and log-sd heads differ in size") }
            return VariationalAutoencoder(encoder: e, meanHead: m, logSDHead: s, decoder: d)
        }
    }
}

/// An architecture that cannot be built.
public struct ModelSpecError: Error, CustomStringConvertible {
    /// What is wrong, without the "Invalid model architecture" prefix.
    public let reason: String
    public var description: String { "Invalid model architecture: \(reason)." }
    init(_ message: String) { reason = message }
}

/// A layer whose whole architecture can be saved and rebuilt: Sequential stacks,
/// autoencoders and variational autoencoders.
public protocol Model: Layer {
    var modelSpec: ModelSpec { get }
}

extension Sequential: Model {
    public var modelSpec: ModelSpec { .layer(spec) }
}
extension Autoencoder: Model {
    public var modelSpec: ModelSpec { .autoencoder(encoder: encoder.spec, decoder: decoder.spec) }
}
extension VariationalAutoencoder: Model {
    public var modelSpec: ModelSpec {
        .variationalAutoencoder(
            encoder: encoder.spec, mean: meanHead.spec, logSD: logSDHead.spec, decoder: decoder.spec)
    }
}
