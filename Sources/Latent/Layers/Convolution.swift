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

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .valid, activation: Activation = .identity, generator: inout RandomGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0,
                     "Conv2D needs positive channels, kernel size and stride.")
        let area = kernelSize * kernelSize
        kernel = glorotUniform([kernelSize, kernelSize, inputChannels, outputChannels],
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
        precondition(x.rank == 4 && x.shape[3] == inputChannels,
                     "Conv2D needs NHWC input with \(inputChannels) channels, got \(x.shape).")
        return Tensor.conv2d(x, filter: kernel, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
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

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .valid, activation: Activation = .identity, generator: inout RandomGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0,
                     "Conv2DTranspose needs positive channels, kernel size and stride.")
        let area = kernelSize * kernelSize
        kernel = glorotUniform([kernelSize, kernelSize, outputChannels, inputChannels],
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
        precondition(x.rank == 4 && x.shape[3] == inputChannels,
                     "Conv2DTranspose needs NHWC input with \(inputChannels) channels, got \(x.shape).")
        return Tensor.conv2dTranspose(x, filter: kernel, bias: bias, activation: activation, stride: (stride, stride), padding: padding)
    }
}

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
