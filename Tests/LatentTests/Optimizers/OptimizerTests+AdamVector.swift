import XCTest

@testable import Latent

/// A parameter of several hundred elements, so Adam's vectorised C body (and its masked
/// tail) runs, not only the one-element case checked by hand above.
final class Vector: Module {
    @Parameter var value: Tensor
    init(_ values: [Float]) { value = Tensor(shape: [values.count], scalars: values) }
}

extension OptimizerTests {
    /// Adam and AdamW over 517 and 2,503 elements (the kernel works in chunks of 1,024, each
    /// with a tail) for 6 steps against the update rule written out in double precision,
    /// one element at a time.
    func testAdamVectorBodyMatchesAScalarReference() {
        for count in [517, 2_503] {
            adamMatchesAScalarReference(count: count)
        }
    }

    private func adamMatchesAScalarReference(count: Int) {
        for (decay, decoupled) in [(Float(0), false), (0.1, false), (0.1, true)] {
            var g = RandomGenerator(seed: 41)
            let start = (0..<count).map { _ in Float.random(in: -2...2, using: &g) }
            let curvature = (0..<count).map { _ in Float.random(in: 0.1...3, using: &g) }
            let module = Vector(start)
            let (lr, b1, b2, eps) = (0.05, 0.9, 0.999, 1e-7)
            let adam: Adam =
                decoupled
                ? AdamW(learningRate: Float(lr), weightDecay: decay)
                : Adam(learningRate: Float(lr), weightDecay: decay)
            let c = Tensor(shape: [count], scalars: curvature)
            var theta = start.map(Double.init)
            var m = [Double](repeating: 0, count: count)
            var v = m
            for t in 1...6 {
                module.zeroGradients()
                (c * module.value.squared()).sum().backward()  // g = 2 c θ
                let gradient = module.value.gradient!.scalars
                adam.step(module)
                let alpha = lr * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t)))
                for i in 0..<count {
                    var gi = Double(gradient[i])
                    if !decoupled { gi += Double(decay) * theta[i] }
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    if decoupled { theta[i] *= 1 - lr * Double(decay) }
                    theta[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
                }
                let got = module.value.scalars
                for i in 0..<count {
                    XCTAssertEqual(
                        Double(got[i]), theta[i], accuracy: 1e-5 * (1 + Swift.abs(theta[i])),
                        "count \(count) step \(t) element \(i) decay \(decay) decoupled \(decoupled)")
                }
                // Continue from Latent's own values: the reference checks one step at a time.
                theta = got.map(Double.init)
            }
        }
    }
}
