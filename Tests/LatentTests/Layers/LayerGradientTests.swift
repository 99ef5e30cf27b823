import XCTest

@testable import Latent

/// Each layer's gradients with respect to its input and to every parameter.
final class LayerGradientTests: XCTestCase {
    /// Checks d(layer(x))/dx and d/dθ for every parameter θ against central differences
    /// of L = Σ w ⊙ layer(x), perturbing the input and each parameter element in place.
    func assertLayerGradients(
        _ layer: some Layer, input: Tensor, step: Float = 1e-2, tolerance: Float = 1e-2,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        layer.zeroGradients()
        let x = input.requiringGradient()
        let y = layer(x)
        var g = RandomGenerator(seed: 11)
        let w = Tensor.randomUniform(y.shape, low: 0.5, high: 1.5, using: &g)
        (y * w).sum().backward()

        func loss(_ x: Tensor) -> Double {
            let y = withoutGradients { layer(x) }
            return zip(y.scalars, w.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        func compare(_ analytic: Float, _ numeric: Float, _ what: String) {
            let error = Swift.abs(analytic - numeric) / (1 + Swift.abs(numeric))
            XCTAssertLessThan(
                error, tolerance, "\(what): analytic \(analytic) numeric \(numeric)", file: file, line: line)
        }
        let inputGradient = x.gradient!.scalars
        for i in 0..<input.count {
            var plus = input
            var minus = input
            plus[flat: i] += step
            minus[flat: i] -= step
            compare(inputGradient[i], Float((loss(plus) - loss(minus)) / Double(2 * step)), "input[\(i)]")
        }
        for (name, parameter) in layer.namedParameters() {
            let analytic = parameter.gradient!.scalars
            for i in 0..<analytic.count {
                parameter.update { $0[i] += step }
                let up = loss(input)
                parameter.update { $0[i] -= 2 * step }
                let down = loss(input)
                parameter.update { $0[i] += step }
                compare(analytic[i], Float((up - down) / Double(2 * step)), "\(name)[\(i)]")
            }
        }
    }

    func testDense() {
        var g = RandomGenerator(seed: 1)
        for activation in Activation.allCases where activation != .relu {
            assertLayerGradients(
                Dense(inputSize: 4, outputSize: 3, activation: activation, generator: &g), input: uniform([5, 4]))
        }
    }

    func testConv2DLayers() {
        var g = RandomGenerator(seed: 2)
        assertLayerGradients(
            Conv2D(
                inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: .same,
                activation: .sigmoid, generator: &g), input: uniform([2, 6, 6, 2]))
        assertLayerGradients(
            Conv2DTranspose(
                inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: .same,
                activation: .tanh, generator: &g), input: uniform([2, 3, 3, 2]))
    }

    func testShapeLayersAndSequential() {
        var g = RandomGenerator(seed: 3)
        let model = Sequential([
            Flatten(), Dense(inputSize: 8, outputSize: 4, activation: .tanh, generator: &g),
            Dense(inputSize: 4, outputSize: 8, activation: .sigmoid, generator: &g), Reshape([2, 2, 2]),
        ])
        assertLayerGradients(model, input: uniform([3, 2, 2, 2]))
        assertLayerGradients(ActivationLayer(.softplus), input: uniform([2, 3]))
    }

    func testMaxPoolLayer() {
        var g = RandomGenerator(seed: 5)
        let values = (0..<(1 * 4 * 4 * 3)).map { Float($0) * 0.1 }.shuffled(using: &g)
        assertLayerGradients(MaxPool2D(size: 2), input: Tensor(shape: [1, 4, 4, 3], scalars: values))
        // Overlapping windows (stride < size): one input can be the maximum of several.
        let more = (0..<(2 * 5 * 5 * 3)).map { Float($0) * 0.1 }.shuffled(using: &g)
        assertLayerGradients(MaxPool2D(size: 3, stride: 1), input: Tensor(shape: [2, 5, 5, 3], scalars: more))
    }
}
