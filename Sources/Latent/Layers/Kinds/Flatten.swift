/// Flattens every axis but the first: [N, …] → [N, product of the rest].
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape.first ?? 1, -1])
    }
}

extension Flatten: SpecifiedLayer {
    /// A Flatten layer as data: `{"flatten": {}}`.
    public struct Spec: LayerKind {
        public static let key = "flatten"
        public var typeName: String { "Flatten" }
        public func build(generator: inout RandomGenerator) -> any Layer { Flatten() }
        public func checkedParameterCount(_ check: LayerCheck) throws -> Int { 0 }
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            [try check.elementCount(input, input: input)]
        }
    }

    public var spec: LayerSpec { .flatten }
}
