/// Max pooling over NHWC windows (`valid` padding).
public final class MaxPool2D: Layer {
    public let size: Int
    public let stride: Int

    public init(size: Int = 2, stride: Int? = nil) {
        precondition(size > 0 && (stride ?? size) > 0, "MaxPool2D needs a positive size and stride.")
        self.size = size
        self.stride = stride ?? size
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.maxPooled(size: (size, size), stride: (stride, stride))
    }
}

extension MaxPool2D: SpecifiedLayer {
    /// A MaxPool2D layer as data: `{"maxPool2d": {"size", "stride"}}`.
    public struct Spec: LayerKind {
        public static let key = "maxPool2d"
        public let size: Int
        public let stride: Int

        public var typeName: String { "MaxPool2D" }

        public func build(generator: inout RandomGenerator) -> any Layer { MaxPool2D(size: size, stride: stride) }

        public func checkedParameterCount(_ check: LayerCheck) throws -> Int {
            try check.positive(["size": size, "stride": stride])
            return 0
        }

        /// (n − size) / stride + 1 per axis (valid windows only); channels unchanged.
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            guard input.count == 3 else {
                throw check.fail("needs [height, width, channels] images but receives shape \(input)")
            }
            guard input[0] >= size, input[1] >= size else {
                throw check.fail("has a \(size)-wide window larger than its input shape \(input)")
            }
            return [(input[0] - size) / stride + 1, (input[1] - size) / stride + 1, input[2]]
        }
    }

    public var spec: LayerSpec { .maxPool2d(size: size, stride: stride) }
}
