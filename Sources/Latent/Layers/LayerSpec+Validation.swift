/// Checking an architecture read from a file before anything is built from it.
///
/// A model file's JSON is untrusted: a layer with a zero or negative size would trap in
/// the layer's initializer, and one with huge sizes would allocate whatever it asks for.
/// ``ModelFile/load(from:)`` calls ``ModelSpec/checkedParameterCount()`` first and compares
/// the count with the size of the weights file, so memory stays bounded by the files.
extension LayerSpec {
    /// The number of scalar parameters this layer would have, checked: every size must be
    /// positive and the count must fit in an `Int`.
    ///
    /// ```text
    /// dense            inputSize · outputSize + outputSize
    /// conv2d(T)        kernelSize² · inputChannels · outputChannels + outputChannels
    /// others           0 (sequential: the sum of its layers)
    /// ```
    /// - Throws: ``ModelSpecError`` naming the layer and the size that is wrong.
    public func checkedParameterCount() throws -> Int {
        func positive(_ values: [(String, Int)]) throws {
            for (name, value) in values where value <= 0 {
                throw ModelSpecError("\(typeName) needs a positive \(name), not \(value)")
            }
        }
        func product(_ factors: [Int], plus extra: Int) throws -> Int {
            var (total, overflow) = (1, false)
            for f in factors where !overflow { (total, overflow) = total.multipliedReportingOverflow(by: f) }
            if !overflow { (total, overflow) = total.addingReportingOverflow(extra) }
            guard !overflow else { throw ModelSpecError("\(typeName) has more parameters than an Int can count") }
            return total
        }
        switch self {
        case let .dense(i, o, _):
            try positive([("input size", i), ("output size", o)])
            return try product([i, o], plus: o)
        case let .conv2d(i, o, k, s, _, _), let .conv2dTranspose(i, o, k, s, _, _):
            try positive([("input channel count", i), ("output channel count", o), ("kernel size", k), ("stride", s)])
            return try product([k, k, i, o], plus: o)
        case let .maxPool2d(size, stride):
            try positive([("size", size), ("stride", stride)])
            return 0
        case .flatten, .reshape, .activation:
            return 0
        case let .sequential(layers):
            var total = 0
            for layer in layers {
                let (sum, overflow) = total.addingReportingOverflow(try layer.checkedParameterCount())
                guard !overflow else { throw ModelSpecError("the model has more parameters than an Int can count") }
                total = sum
            }
            return total
        }
    }
}

extension ModelSpec {
    /// The number of scalar parameters the model would have, with every layer checked as
    /// in ``LayerSpec/checkedParameterCount()``.
    /// - Throws: ``ModelSpecError`` for a non-positive size or a count that overflows.
    public func checkedParameterCount() throws -> Int {
        switch self {
        case .layer(let spec):
            return try spec.checkedParameterCount()
        case let .autoencoder(encoder, decoder):
            return try LayerSpec.sequential([encoder, decoder]).checkedParameterCount()
        case let .variationalAutoencoder(encoder, mean, logSD, decoder):
            return try LayerSpec.sequential([encoder, mean, logSD, decoder]).checkedParameterCount()
        }
    }
}
