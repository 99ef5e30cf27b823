/// The worst disagreement found by ``checkGradients(of:at:step:seed:)``.
public struct GradientCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| / (1 + |numeric|) over all checked elements.
    public let maximumError: Float
    /// Which input and element it was found at.
    public let input: Int
    public let element: Int
    public let analytic: Float
    public let numeric: Float

    public var description: String {
        "max error \(maximumError) at input \(input)[\(element)]: analytic \(analytic), numeric \(numeric)"
    }
}

/// Compares reverse-mode gradients of `function` with central finite differences.
///
/// The output is projected on fixed random weights w, L = Σ w ⊙ f(x), so every output
/// element's gradient is exercised. The projection is summed in Double, and each
/// element of each input is perturbed by ±`step`:
/// ```
/// ∂L/∂xᵢ ≈ (L(x + h eᵢ) − L(x − h eᵢ)) / 2h
/// ```
/// With Float32 arithmetic a `step` near 1e-2 balances rounding against truncation;
/// errors of a few 1e-3 are noise, while a wrong rule (a lost factor, a sign, a
/// mis-broadcast) shows up as errors of order 1.
public func checkGradients(
    of function: ([Tensor]) -> Tensor, at inputs: [Tensor], step: Float = 1e-2, seed: UInt64 = 7
) -> GradientCheckResult {
    let leaves = inputs.map { $0.detached().requiringGradient() }
    let output = function(leaves)
    var generator = RandomGenerator(seed: seed)
    let weights = Tensor.randomUniform(output.shape, low: 0.5, high: 1.5, using: &generator)
    (output * weights).sum().backward()

    func projected(_ xs: [Tensor]) -> Double {
        let y = withoutGradients { function(xs) }
        var total = 0.0
        for (a, w) in zip(y.scalars, weights.scalars) { total += Double(a) * Double(w) }
        return total
    }

    var worst = GradientCheckResult(maximumError: 0, input: 0, element: 0, analytic: 0, numeric: 0)
    for (k, input) in inputs.enumerated() {
        let analytic = leaves[k].gradient?.scalars ?? [Float](repeating: 0, count: input.count)
        for i in 0..<input.count {
            var xs = inputs.map { $0.detached() }
            xs[k][flat: i] = input[flat: i] + step
            let plus = projected(xs)
            xs[k][flat: i] = input[flat: i] - step
            let minus = projected(xs)
            let numeric = Float((plus - minus) / (2 * Double(step)))
            let error = Swift.abs(analytic[i] - numeric) / (1 + Swift.abs(numeric))
            if error > worst.maximumError || error.isNaN {
                worst = GradientCheckResult(
                    maximumError: error.isNaN ? .infinity : error, input: k, element: i,
                    analytic: analytic[i], numeric: numeric)
            }
        }
    }
    return worst
}

extension Tensor {
    /// Element at a row-major offset.
    subscript(flat offset: Int) -> Float {
        get { storage.pointer[offset] }
        set { withUnsafeMutableBufferPointer { $0[offset] = newValue } }
    }
}
