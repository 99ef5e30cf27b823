import XCTest

@testable import Latent

/// Finite-difference checks of the paths every lesson and detector runs most: ReLU ended
/// in the fused Dense and convolution ops, identity and softplus on the convolutions, and
/// each convolution kernel family (one input channel, one output channel, ≥ 8 output
/// channels through im2col + GEMM, the small direct kernel).
extension LayerGradientTests {
    /// Biases that put every pre-activation of each output channel (the last axis) at least
    /// `margin` away from ReLU's kink, with both signs present in every channel: each
    /// channel's bias is minus the midpoint of the widest gap between its sorted values.
    func biasesAwayFromTheKink(preActivations z: Tensor) -> (bias: [Float], margin: Float) {
        let width = z.shape.last!
        let values = z.scalars
        var bias = [Float](repeating: 0, count: width)
        var margin = Float.infinity
        for j in 0..<width {
            let column = stride(from: j, to: values.count, by: width).map { values[$0] }.sorted()
            var best = 1
            for i in 1..<column.count where column[i] - column[i - 1] > column[best] - column[best - 1] { best = i }
            bias[j] = -(column[best] + column[best - 1]) / 2
            margin = Swift.min(margin, (column[best] - column[best - 1]) / 2)
        }
        return (bias, margin)
    }

    func setBias(_ layer: some Layer, _ bias: [Float]) {
        let parameter = layer.namedParameters().first { $0.name == "bias" }!.parameter
        parameter.update { for j in 0..<bias.count { $0[j] = bias[j] } }
    }

    /// Checks a ReLU layer whose pre-activations stay clear of the kink under the finite
    /// differences' perturbations. `twin` is the same layer with identity activation.
    func assertReLUGradients(
        _ layer: some Layer, twin: some Layer, input: Tensor,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let (bias, margin) = biasesAwayFromTheKink(preActivations: withoutGradients { twin(input) })
        // A step h on one input or parameter moves a pre-activation by at most h·max(|w|, |x|, 1)
        // = h here (inputs in [-1, 1], Glorot weights below 1): a margin of 2h keeps every
        // finite difference on one side of the kink.
        let step: Float = 5e-3
        XCTAssertGreaterThan(margin, 2 * step, "pre-activations too close to the kink", file: file, line: line)
        setBias(layer, bias)
        setBias(twin, bias)
        let active = withoutGradients { layer(input) }.scalars
        XCTAssertTrue(
            active.contains(0) && active.contains { $0 > 0 }, "both sides of the kink", file: file, line: line)
        assertLayerGradients(layer, input: input, step: step, file: file, line: line)
    }

    func testDenseReLU() {
        for (inputs, outputs) in [(4, 3), (7, 1), (1, 9)] {
            var g = RandomGenerator(seed: 21)
            var h = g
            let layer = Dense(inputSize: inputs, outputSize: outputs, activation: .relu, generator: &g)
            let twin = Dense(inputSize: inputs, outputSize: outputs, activation: .identity, generator: &h)
            XCTAssertEqual(layer.weight.scalars, twin.weight.scalars)
            assertReLUGradients(layer, twin: twin, input: uniform([6, inputs], seed: 5))
        }
    }

    /// (input, output) channels: one input channel (direct kernel), one output channel
    /// (its own direct kernels forward and backward), 8 outputs (im2col + GEMM), 3 → 2.
    static let channelPairs = [(1, 3), (3, 1), (3, 8), (3, 2)]

    func testConv2DReLUOnEveryKernel() {
        for (c, f) in Self.channelPairs {
            var g = RandomGenerator(seed: 22)
            var h = g
            let layer = Conv2D(
                inputChannels: c, outputChannels: f, kernelSize: 3, stride: 2, padding: .same, activation: .relu,
                generator: &g)
            let twin = Conv2D(
                inputChannels: c, outputChannels: f, kernelSize: 3, stride: 2, padding: .same, generator: &h)
            assertReLUGradients(layer, twin: twin, input: uniform([2, 5, 5, c], seed: 6))
        }
    }

    func testConv2DTransposeReLUOnEveryKernel() {
        for (c, f) in Self.channelPairs {
            var g = RandomGenerator(seed: 23)
            var h = g
            let layer = Conv2DTranspose(
                inputChannels: c, outputChannels: f, kernelSize: 3, stride: 2, padding: .same,
                activation: .relu, generator: &g)
            let twin = Conv2DTranspose(
                inputChannels: c, outputChannels: f, kernelSize: 3, stride: 2, padding: .same, generator: &h)
            assertReLUGradients(layer, twin: twin, input: uniform([2, 3, 3, c], seed: 7))
        }
    }

    func testConvolutionsWithIdentityAndSoftplusOnEveryKernel() {
        var g = RandomGenerator(seed: 24)
        for (c, f) in Self.channelPairs {
            for activation in [Activation.identity, .softplus] {
                for stride in [1, 2] {
                    assertLayerGradients(
                        Conv2D(
                            inputChannels: c, outputChannels: f, kernelSize: 3, stride: stride, padding: .same,
                            activation: activation, generator: &g), input: uniform([2, 5, 5, c], seed: 8))
                    assertLayerGradients(
                        Conv2DTranspose(
                            inputChannels: c, outputChannels: f, kernelSize: 3, stride: stride,
                            padding: .same, activation: activation, generator: &g),
                        input: uniform([2, 3, 3, c], seed: 9))
                }
            }
        }
    }
}
