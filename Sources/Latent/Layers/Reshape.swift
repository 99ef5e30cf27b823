/// Flattens every axis but the first: [N, …] → [N, product of the rest].
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape.first ?? 1, -1])
    }
}

/// Reshapes every row: [N, …] → [N] + shape.
public final class Reshape: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape.first ?? 1] + shape)
    }
}
