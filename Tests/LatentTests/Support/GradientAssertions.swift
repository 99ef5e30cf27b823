import XCTest

@testable import Latent

/// Fails unless reverse-mode gradients of `function` match finite differences.
/// The tolerance 1e-2 sits far above Float32 noise and far below any real mistake.
func assertGradientsMatch(
    _ inputs: [Tensor], tolerance: Float = 1e-2, step: Float = 1e-2,
    file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor
) {
    let result = checkGradients(of: function, at: inputs, step: step)
    XCTAssertLessThan(result.maximumError, tolerance, "\(result)", file: file, line: line)
}

/// Random values in ±[0.2, 1.2]: away from 0, where relu/abs/clamp have kinks.
func awayFromZero(_ shape: [Int], seed: UInt64 = 1) -> Tensor {
    var g = RandomGenerator(seed: seed)
    let magnitude = Tensor.randomUniform(shape, low: 0.2, high: 1.2, using: &g)
    let sign = Tensor.randomUniform(shape, low: 0, high: 1, using: &g).scalars.map { $0 < 0.5 ? Float(-1) : 1 }
    return Tensor(shape: shape, scalars: zip(magnitude.scalars, sign).map { $0 * $1 })
}

func uniform(_ shape: [Int], _ low: Float = -1, _ high: Float = 1, seed: UInt64 = 2) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, low: low, high: high, using: &g)
}
