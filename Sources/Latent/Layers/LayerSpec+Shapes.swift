/// Static shape inference through an architecture read from a file.
///
/// A model file's `inputShape` and its layers are both untrusted: a Dense expecting 140
/// inputs behind an input of 100, a Conv2D on a 1-D input or a Reshape to a different
/// element count would load and then stop on a layer's shape precondition (a crash) at the
/// first batch. ``ModelFile/load(from:)`` runs ``ModelSpec/checkedOutputShape(inputShape:)``
/// first, which follows one example's shape (no batch axis) through every layer with the
/// same arithmetic the layers use, overflow-checked, and throws naming the first layer
/// that disagrees.
extension LayerSpec {
    /// The shape of one example after this layer, given the shape before it.
    /// - Parameter path: where this layer sits ("encoder layer 2"), for messages.
    /// - Throws: ``ModelSpecError`` naming the layer, its kind and both shapes.
    func checkedOutputShape(for input: [Int], path: String) throws -> [Int] {
        func fail(_ problem: String) -> ModelSpecError {
            ModelSpecError("\(path) (\(typeName)) \(problem)")
        }
        /// [H, W, C] with C = `channels`, or a failure.
        func image(channels: Int) throws -> (h: Int, w: Int) {
            guard input.count == 3 else {
                throw fail("needs [height, width, \(channels)] images but receives shape \(input)")
            }
            guard input[2] == channels else {
                throw fail("needs \(channels) input channels but receives shape \(input)")
            }
            return (input[0], input[1])
        }
        func multiply(_ a: Int, _ b: Int) throws -> Int {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            guard !overflow else { throw fail("would give a size that overflows an Int from shape \(input)") }
            return p
        }
        switch self {
        case let .dense(i, o, _):
            guard input == [i] else { throw fail("expects [\(i)] inputs but receives shape \(input)") }
            return [o]
        case let .conv2d(i, o, k, s, p, _):
            let (h, w) = try image(channels: i)
            func axis(_ n: Int) throws -> Int {
                switch p {
                case .valid:
                    guard n >= k else { throw fail("has a \(k)-wide kernel that does not fit input shape \(input) without padding") }
                    return (n - k) / s + 1
                case .same:
                    return n / s + (n % s == 0 ? 0 : 1)
                }
            }
            return [try axis(h), try axis(w), o]
        case let .conv2dTranspose(i, o, k, s, p, _):
            let (h, w) = try image(channels: i)
            func axis(_ n: Int) throws -> Int {
                switch p {
                case .valid:
                    let (sum, overflow) = try multiply(n - 1, s).addingReportingOverflow(k)
                    guard !overflow else { throw fail("would give a size that overflows an Int from shape \(input)") }
                    return sum
                case .same:
                    return try multiply(n, s)
                }
            }
            return [try axis(h), try axis(w), o]
        case let .maxPool2d(size, stride):
            guard input.count == 3 else { throw fail("needs [height, width, channels] images but receives shape \(input)") }
            guard input[0] >= size, input[1] >= size else {
                throw fail("has a \(size)-wide window larger than its input shape \(input)")
            }
            return [(input[0] - size) / stride + 1, (input[1] - size) / stride + 1, input[2]]
        case .flatten:
            return [try input.reduce(1, multiply)]
        case let .reshape(shape):
            let count = try input.reduce(1, multiply)
            let unknown = shape.filter { $0 == -1 }.count
            guard unknown <= 1, shape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
                throw fail("has target shape \(shape); sizes must be positive, with at most one -1")
            }
            let known = try shape.filter { $0 != -1 }.reduce(1, multiply)
            if unknown == 1 {
                guard count % known == 0 else {
                    throw fail("cannot reshape \(input) (\(count) elements) to \(shape)")
                }
                return shape.map { $0 == -1 ? count / known : $0 }
            }
            guard known == count else {
                throw fail("reshapes to \(shape) (\(known) elements) but receives shape \(input) (\(count) elements)")
            }
            return shape
        case .activation:
            return input
        case let .sequential(layers):
            var shape = input
            for (index, layer) in layers.enumerated() {
                shape = try layer.checkedOutputShape(for: shape, path: "\(path) › layer \(index)")
            }
            return shape
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
            if case let .sequential(layers) = spec {
                var shape = input
                for (index, layer) in layers.enumerated() {
                    shape = try layer.checkedOutputShape(for: shape, path: "\(part)layer \(index)")
                }
                return shape
            }
            return try spec.checkedOutputShape(for: input, path: part.isEmpty ? "layer 0" : String(part.dropLast()))
        }
        func reconstructs(_ output: [Int]) throws -> [Int] {
            guard output == inputShape else {
                throw ModelSpecError("the decoder gives outputs of shape \(output), not the input shape \(inputShape) it must reconstruct")
            }
            return output
        }
        switch self {
        case .layer(let spec):
            return try through(spec, inputShape, "")
        case let .autoencoder(encoder, decoder):
            let code = try through(encoder, inputShape, "encoder ")
            return try reconstructs(try through(decoder, code, "decoder "))
        case let .variationalAutoencoder(encoder, mean, logSD, decoder):
            let hidden = try through(encoder, inputShape, "encoder ")
            let code = try mean.checkedOutputShape(for: hidden, path: "mean head")
            let spread = try logSD.checkedOutputShape(for: hidden, path: "log-sd head")
            guard code == spread else {
                throw ModelSpecError("the mean head gives shape \(code) but the log-sd head gives \(spread); they must match")
            }
            return try reconstructs(try through(decoder, code, "decoder "))
        }
    }
}
