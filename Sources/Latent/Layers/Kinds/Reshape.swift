/// Reshapes every row: [N, …] → [N] + shape.
public final class Reshape: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape.first ?? 1] + shape)
    }
}

extension Reshape: SpecifiedLayer {
    /// A Reshape layer as data: `{"reshape": {"_0": [sizes]}}`, at most one size −1.
    public struct Spec: LayerKind {
        public static let key = "reshape"
        public let shape: [Int]
        // The key Swift gave the enum case's unnamed value, kept so older files load.
        enum CodingKeys: String, CodingKey { case shape = "_0" }

        public var typeName: String { "Reshape" }
        public func build(generator: inout RandomGenerator) -> any Layer { Reshape(shape) }
        public func checkedParameterCount(_ check: LayerCheck) throws -> Int { 0 }

        /// `shape`, with a −1 standing for what the input's element count leaves over.
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            let count = try check.elementCount(input, input: input)
            let unknown = shape.filter { $0 == -1 }.count
            guard unknown <= 1, shape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
                throw check.fail("has target shape \(shape); sizes must be positive, with at most one -1")
            }
            let known = try check.elementCount(shape.filter { $0 != -1 }, input: input)
            if unknown == 1 {
                guard count % known == 0 else {
                    throw check.fail("cannot reshape \(input) (\(count) elements) to \(shape)")
                }
                return shape.map { $0 == -1 ? count / known : $0 }
            }
            guard known == count else {
                throw check.fail(
                    "reshapes to \(shape) (\(known) elements) but receives shape \(input) (\(count) elements)")
            }
            return shape
        }
    }

    public var spec: LayerSpec { .reshape(shape) }
}
