/// 2-D convolution over NHWC batches: y = activation(conv(x, K) + b).
///
/// Layout: NHWC everywhere in Latent (Keras's default): the channel axis is innermost,
/// so im2col rows are contiguous copies and each convolution is one row-major GEMM
/// [N·OH·OW, KH·KW·C] × [KH·KW·C, F] whose output is already NHWC.
/// Kernel [KH, KW, C, F], bias [F]; Glorot-uniform init with fans KH·KW·C and KH·KW·F.
public final class Conv2D: Layer {
    @Parameter public var kernel: Tensor
    @Parameter public var bias: Tensor
    public let stride: Int
    public let padding: Padding
    public let activation: Activation

    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: Padding = .valid, activation: Activation = .identity, generator: inout RandomGenerator
    ) {
        precondition(
            inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0,
            "Conv2D needs positive channels, kernel size and stride.")
        let area = kernelSize * kernelSize
        kernel = glorotUniform(
            [kernelSize, kernelSize, inputChannels, outputChannels],
            fanIn: area * inputChannels, fanOut: area * outputChannels, using: &generator)
        bias = Tensor.zeros([outputChannels])
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    public var inputChannels: Int { kernel.shape[2] }
    public var outputChannels: Int { kernel.shape[3] }
    public var kernelSize: Int { kernel.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[3] == inputChannels,
            "Conv2D needs NHWC input with \(inputChannels) channels, got \(x.shape).")
        return Tensor.conv2d(
            x, filter: kernel, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
    }

    /// `pool(self(x))` in one pass per image when `pool` is 2×2 at stride 2 and the kernels
    /// fuse the two (see ``Tensor/conv2dMaxPooled(_:filter:bias:activation:stride:padding:)``),
    /// else nil. The same bits as the two layers, gradients included.
    func pooled(_ x: Tensor, by pool: MaxPool2D) -> Tensor? {
        guard pool.size == 2, pool.stride == 2, x.rank == 4, x.shape[3] == inputChannels else { return nil }
        return Tensor.conv2dMaxPooled(
            x, filter: kernel, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
    }
}

/// Transposed 2-D convolution (the adjoint of ``Conv2D``), NHWC. With stride 2 and
/// `same` padding it doubles height and width, as Keras's `Conv2DTranspose`.
/// Kernel [KH, KW, F, C] (Keras layout), bias [F].
public final class Conv2DTranspose: Layer {
    @Parameter public var kernel: Tensor
    @Parameter public var bias: Tensor
    public let stride: Int
    public let padding: Padding
    public let activation: Activation

    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: Padding = .valid, activation: Activation = .identity, generator: inout RandomGenerator
    ) {
        precondition(
            inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0,
            "Conv2DTranspose needs positive channels, kernel size and stride.")
        let area = kernelSize * kernelSize
        kernel = glorotUniform(
            [kernelSize, kernelSize, outputChannels, inputChannels],
            fanIn: area * outputChannels, fanOut: area * inputChannels, using: &generator)
        bias = Tensor.zeros([outputChannels])
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    public var inputChannels: Int { kernel.shape[3] }
    public var outputChannels: Int { kernel.shape[2] }
    public var kernelSize: Int { kernel.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[3] == inputChannels,
            "Conv2DTranspose needs NHWC input with \(inputChannels) channels, got \(x.shape).")
        return Tensor.conv2dTranspose(
            x, filter: kernel, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
    }
}

/// kernelSize² · inputChannels · outputChannels + outputChannels, every size checked
/// positive: the parameter count of both convolutions.
func checkedConvolutionParameters(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
    _ check: LayerCheck
) throws -> Int {
    try check.positive([
        "input channel count": inputChannels, "output channel count": outputChannels,
        "kernel size": kernelSize, "stride": stride,
    ])
    return try check.parameters([kernelSize, kernelSize, inputChannels, outputChannels], plus: outputChannels)
}

extension Conv2D: SpecifiedLayer {
    /// A Conv2D layer as data: `{"conv2d": {"inputChannels", "outputChannels", "kernelSize",
    /// "stride", "padding", "activation"}}`.
    public struct Spec: LayerKind {
        public static let key = "conv2d"
        public let inputChannels: Int
        public let outputChannels: Int
        public let kernelSize: Int
        public let stride: Int
        public let padding: Padding
        public let activation: Activation

        public var typeName: String { "Conv2D" }

        public func build(generator: inout RandomGenerator) -> any Layer {
            Conv2D(
                inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                stride: stride, padding: padding, activation: activation, generator: &generator)
        }

        public func checkedParameterCount(_ check: LayerCheck) throws -> Int {
            try checkedConvolutionParameters(
                inputChannels: inputChannels, outputChannels: outputChannels,
                kernelSize: kernelSize, stride: stride, check)
        }

        /// Per axis: (n − k) / s + 1 without padding, ⌈n / s⌉ with `same`.
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            let (h, w) = try check.image(input, channels: inputChannels)
            let (k, s) = (kernelSize, stride)
            func axis(_ n: Int) throws -> Int {
                switch padding {
                case .valid:
                    guard n >= k else {
                        throw check.fail(
                            "has a \(k)-wide kernel that does not fit input shape \(input) without padding")
                    }
                    return (n - k) / s + 1
                case .same:
                    return n / s + (n % s == 0 ? 0 : 1)
                }
            }
            return [try axis(h), try axis(w), outputChannels]
        }
    }

    public var spec: LayerSpec {
        .conv2d(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
            stride: stride, padding: padding, activation: activation)
    }
}

extension Conv2DTranspose: SpecifiedLayer {
    /// A Conv2DTranspose layer as data: `{"conv2dTranspose": {…}}`, with the fields of ``Conv2D/Spec``.
    public struct Spec: LayerKind {
        public static let key = "conv2dTranspose"
        public let inputChannels: Int
        public let outputChannels: Int
        public let kernelSize: Int
        public let stride: Int
        public let padding: Padding
        public let activation: Activation

        public var typeName: String { "Conv2DTranspose" }

        public func build(generator: inout RandomGenerator) -> any Layer {
            Conv2DTranspose(
                inputChannels: inputChannels, outputChannels: outputChannels,
                kernelSize: kernelSize, stride: stride, padding: padding,
                activation: activation, generator: &generator)
        }

        public func checkedParameterCount(_ check: LayerCheck) throws -> Int {
            try checkedConvolutionParameters(
                inputChannels: inputChannels, outputChannels: outputChannels,
                kernelSize: kernelSize, stride: stride, check)
        }

        /// Per axis: (n − 1) · s + k without padding, n · s with `same`.
        public func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int] {
            let (h, w) = try check.image(input, channels: inputChannels)
            let (k, s) = (kernelSize, stride)
            func axis(_ n: Int) throws -> Int {
                switch padding {
                case .valid:
                    let (sum, overflow) = try check.multiply(n - 1, s, input: input).addingReportingOverflow(k)
                    guard !overflow else {
                        throw check.fail("would give a size that overflows an Int from shape \(input)")
                    }
                    return sum
                case .same:
                    return try check.multiply(n, s, input: input)
                }
            }
            return [try axis(h), try axis(w), outputChannels]
        }
    }

    public var spec: LayerSpec {
        .conv2dTranspose(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
            stride: stride, padding: padding, activation: activation)
    }
}
