/// A model whose output is one Dense layer's output (reshaped at most): scoring can fuse
/// that layer with the distance to the input (``Tensor/denseRowMeanDistances(_:weight:bias:activation:target:absolute:)``)
/// and never store the reconstruction.
public protocol FinalDenseSplittable: Layer {
    /// Everything before the final Dense layer, and that layer; nil when the output is not
    /// a Dense layer's.
    var finalDenseSplit: (body: (Tensor) -> Tensor, head: Dense)? { get }
}

extension Sequential: FinalDenseSplittable {
    public var finalDenseSplit: (body: (Tensor) -> Tensor, head: Dense)? {
        // Trailing reshapes keep the values and their order: skip them.
        var i = layers.count - 1
        while i >= 0, layers[i] is Reshape || layers[i] is Flatten { i -= 1 }
        if i >= 0, let head = layers[i] as? Dense {
            let body = Array(layers[..<i])
            return ({ x in body.reduce(x) { $1($0) } }, head)
        }
        if i >= 0, let inner = layers[i] as? any FinalDenseSplittable, let split = inner.finalDenseSplit {
            let before = Array(layers[..<i])
            return ({ x in split.body(before.reduce(x) { $1($0) }) }, split.head)
        }
        return nil
    }
}

extension Autoencoder: FinalDenseSplittable {
    public var finalDenseSplit: (body: (Tensor) -> Tensor, head: Dense)? {
        guard let split = decoder.finalDenseSplit else { return nil }
        return ({ [encoder] x in split.body(encoder(x)) }, split.head)
    }
}

extension VariationalAutoencoder: FinalDenseSplittable {
    public var finalDenseSplit: (body: (Tensor) -> Tensor, head: Dense)? {
        guard let split = decoder.finalDenseSplit else { return nil }
        return ({ [encoder, meanHead] x in split.body(meanHead(encoder(x))) }, split.head)
    }
}

extension Layer {
    /// Each row's mean distance between the model's reconstruction of `x` and `x`:
    /// mean((x̂ − x)²), or with `absolute` mean(|x̂ − x|). Shapes: x [N, …] → [N].
    ///
    /// Without gradients a model that ends in a Dense layer (``FinalDenseSplittable``)
    /// fuses that layer with the distance, with the same bits as
    /// `Tensor.rowMeanDistances(self(x), x)`, which is what runs otherwise.
    public func reconstructionErrors(_ x: Tensor, absolute: Bool = false) -> Tensor {
        if !GradientMode.isRecording, let split = (self as? any FinalDenseSplittable)?.finalDenseSplit {
            let h = split.body(x)
            let head = split.head
            if h.rank == 2, h.shape[0] == x.shape.first, x.count == h.shape[0] * head.outputSize {
                return Tensor.denseRowMeanDistances(
                    h, weight: head.weight, bias: head.bias, activation: head.activation,
                    target: x, absolute: absolute)
            }
        }
        return Tensor.rowMeanDistances(self(x).reshaped(x.shape), x, absolute: absolute)
    }
}
