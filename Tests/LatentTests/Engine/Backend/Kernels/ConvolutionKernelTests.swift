import XCTest

@testable import Latent

/// The direct convolution kernels against the im2col + GEMM formulation, over channel
/// counts that exercise every register-block width (1, 8, 16, 24, 32 and > 32 lanes).
final class ConvolutionKernelTests: XCTestCase {
    func im2colConv(_ x: Tensor, _ k: Tensor, stride: Int, padding: Padding) -> Tensor {
        let g = ConvolutionGeometry(
            inputHeight: x.shape[1], inputWidth: x.shape[2], channels: x.shape[3],
            kernel: (k.shape[0], k.shape[1]), stride: (stride, stride), padding: padding)
        let out = Tensor.matmul(x.unfoldedPatches(g), k.reshaped([g.patchSize, k.shape[3]]))
        return out.reshaped([x.shape[0], g.outputHeight, g.outputWidth, k.shape[3]])
    }

    func testDirectConvolutionMatchesIm2ColWithGradients() {
        var rng = RandomGenerator(seed: 21)
        for (c, f) in [(1, 10), (10, 20), (16, 1), (3, 33), (17, 8), (1, 1), (5, 1), (1, 16), (1, 3), (17, 1)] {
            for (stride, padding) in [(1, Padding.valid), (2, .same), (1, .same)] {
                let x = Tensor.randomUniform([3, 9, 8, c], low: -1, high: 1, using: &rng).requiringGradient()
                let k = Tensor.randomUniform([3, 3, c, f], low: -1, high: 1, using: &rng).requiringGradient()
                let y = Tensor.conv2d(x, filter: k, stride: (stride, stride), padding: padding)
                let x2 = x.detached().requiringGradient()
                let k2 = k.detached().requiringGradient()
                let reference = im2colConv(x2, k2, stride: stride, padding: padding)
                assertClose(y, reference, tolerance: 1e-5, "forward c=\(c) f=\(f)")
                let w = Tensor.randomUniform(y.shape, using: &rng)
                (y * w).sum().backward()
                (reference * w).sum().backward()
                assertClose(x.gradient!, x2.gradient!, tolerance: 1e-5, "dx c=\(c) f=\(f)")
                assertClose(k.gradient!, k2.gradient!, tolerance: 1e-4, "dk c=\(c) f=\(f)")
            }
        }
    }

    /// A batch large enough to split across threads gives the same result on 1 and 2.
    func testThreadCountsAgree() {
        var rng = RandomGenerator(seed: 22)
        let x = Tensor.randomUniform([64, 28, 28, 16], using: &rng).requiringGradient()
        let k = Tensor.randomUniform([3, 3, 16, 8], using: &rng).requiringGradient()
        func run(_ threads: Int) -> (Tensor, Tensor, Tensor) {
            let saved = Engine.threadCount
            Engine.threadCount = threads
            defer { Engine.threadCount = saved }
            let x1 = x.detached().requiringGradient()
            let k1 = k.detached().requiringGradient()
            let y = Tensor.conv2d(x1, filter: k1, stride: (2, 2), padding: .same).sigmoid()
            y.sum().backward()
            return (y, x1.gradient!, k1.gradient!)
        }
        let (y1, dx1, dk1) = run(1)
        let (y2, dx2, dk2) = run(2)
        XCTAssertEqual(y1.scalars, y2.scalars)
        XCTAssertEqual(dx1.scalars, dx2.scalars)
        assertClose(dk1, dk2, tolerance: 1e-5)
    }
}
