/// Checks on a whole architecture read from a file (see LayerSpec/checkedParameterCount()
/// and LayerSpec/checkedOutputShape(for:path:)), run by ModelFile/load(from:) before
/// anything is built.
extension ModelSpec {
    /// The number of scalar parameters the model would have, with every layer checked as
    /// in ``LayerSpec/checkedParameterCount()``.
    /// - Throws: ``ModelSpecError`` for a non-positive size or a count that overflows.
    public func checkedParameterCount() throws -> Int {
        switch self {
        case .layer(let spec):
            return try spec.checkedParameterCount()
        case .autoencoder(let encoder, let decoder):
            return try LayerSpec.sequential([encoder, decoder]).checkedParameterCount()
        case .variationalAutoencoder(let encoder, let mean, let logSD, let decoder):
            return try LayerSpec.sequential([encoder, mean, logSD, decoder]).checkedParameterCount()
        }
    }
}

extension ModelSpec {
    /// The shape of one output example for one input example of `inputShape`, checked
    /// layer by layer. Autoencoders (plain and variational) must also give back their
    /// input's shape, and a VAE's two heads must agree.
    ///
    /// Call ``checkedParameterCount()`` first: this assumes every size is positive.
    /// - Throws: ``ModelSpecError`` naming the part, layer index and kind, and the shapes.
    public func checkedOutputShape(inputShape: [Int]) throws -> [Int] {
        guard inputShape.allSatisfy({ $0 > 0 }) else {
            throw ModelSpecError("the input shape \(inputShape) has a size that is not positive")
        }
        /// Each part is a sequential (``build`` refuses anything else), so name its layers.
        func through(_ spec: LayerSpec, _ input: [Int], _ part: String) throws -> [Int] {
            if let sequential = spec.kind as? Sequential.Spec {
                var shape = input
                for (index, layer) in sequential.layers.enumerated() {
                    shape = try layer.checkedOutputShape(for: shape, path: "\(part)layer \(index)")
                }
                return shape
            }
            return try spec.checkedOutputShape(for: input, path: part.isEmpty ? "layer 0" : String(part.dropLast()))
        }
        func reconstructs(_ output: [Int]) throws -> [Int] {
            guard output == inputShape else {
                throw ModelSpecError(
                    "the decoder gives outputs of shape \(output), not the input shape \(inputShape) it must reconstruct"
                )
            }
            return output
        }
        switch self {
        case .layer(let spec):
            return try through(spec, inputShape, "")
        case .autoencoder(let encoder, let decoder):
            let code = try through(encoder, inputShape, "encoder ")
            return try reconstructs(try through(decoder, code, "decoder "))
        case .variationalAutoencoder(let encoder, let mean, let logSD, let decoder):
            let hidden = try through(encoder, inputShape, "encoder ")
            let code = try mean.checkedOutputShape(for: hidden, path: "mean head")
            let spread = try logSD.checkedOutputShape(for: hidden, path: "log-sd head")
            guard code == spread else {
                throw ModelSpecError(
                    "the mean head gives shape \(code) but the log-sd head gives \(spread); they must match")
            }
            return try reconstructs(try through(decoder, code, "decoder "))
        }
    }
}
