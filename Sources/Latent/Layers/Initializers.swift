/// Glorot (Xavier) uniform initialisation, Keras's default: U(−l, l) with
/// l = √(6 / (fanIn + fanOut)).
public func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
    let limit = (6 / Float(fanIn + fanOut)).squareRoot()
    return Tensor.randomUniform(shape, low: -limit, high: limit, using: &generator)
}
