/// How a convolution window pads its input.
public enum Padding: String, Codable, Sendable, CaseIterable {
    /// No padding: output = ⌊(input − kernel) / stride⌋ + 1.
    case valid
    /// Zero padding so output = ⌈input / stride⌉; when the total padding is odd the extra
    /// row/column goes after (bottom/right), as in TensorFlow and Keras.
    case same
}

/// Sizes of one 2-D convolution over NHWC images: input and output extents, kernel,
/// stride and the zero padding before each spatial axis.
struct ConvolutionGeometry: Equatable {
    let inputHeight, inputWidth, channels: Int
    let kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth: Int
    let padTop, padLeft: Int
    let outputHeight, outputWidth: Int

    init(inputHeight: Int, inputWidth: Int, channels: Int, kernel: (Int, Int), stride: (Int, Int), padding: Padding) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        func axis(_ n: Int, _ k: Int, _ s: Int) -> (out: Int, padBefore: Int) {
            switch padding {
            case .valid:
                precondition(n >= k, "A \(k)-wide kernel does not fit a \(n)-wide input without padding.")
                return ((n - k) / s + 1, 0)
            case .same:
                let out = (n + s - 1) / s
                let total = Swift.max((out - 1) * s + k - n, 0)
                return (out, total / 2)
            }
        }
        let h = axis(inputHeight, kernelHeight, strideHeight)
        let w = axis(inputWidth, kernelWidth, strideWidth)
        (outputHeight, padTop) = (h.out, h.padBefore)
        (outputWidth, padLeft) = (w.out, w.padBefore)
    }

    /// Columns of one im2col row: kernelHeight × kernelWidth × channels.
    var patchSize: Int { kernelHeight * kernelWidth * channels }
}
