/// One kind of layer described as data: the fields a model file stores for it, and the
/// checks an untrusted file must pass before anything is built from it.
///
/// Each layer declares its kind beside itself (`Dense.Spec` in `Kinds/Dense.swift`), so
/// adding a layer means writing one file and naming its kind in ``LayerSpec/kinds``.
public protocol LayerKind: Codable, Equatable, Sendable {
    /// The key naming this kind in a model file: `{"dense": {…}}`.
    static var key: String { get }
    /// A short Keras-like type name for summaries and messages ("Conv2D").
    var typeName: String { get }
    /// A freshly initialised layer of this architecture.
    func build(generator: inout RandomGenerator) -> any Layer
    /// The number of scalar parameters the layer would have: every size must be positive
    /// and the count must fit in an `Int` (``LayerCheck/positive(_:)``,
    /// ``LayerCheck/parameters(_:plus:)``).
    func checkedParameterCount(_ check: LayerCheck) throws -> Int
    /// The shape of one example after this layer, given the shape before it, with the
    /// same arithmetic the layer uses, overflow-checked.
    func checkedOutputShape(for input: [Int], _ check: LayerCheck) throws -> [Int]
}

extension LayerKind {
    /// Whether `other` is this same kind with the same fields.
    func isEqual(to other: any LayerKind) -> Bool { (other as? Self) == self }
}

/// Where a layer sits and what it is, so that every kind words its failures alike:
/// "encoder layer 2 (Dense) expects [140] inputs but receives shape [100]".
public struct LayerCheck {
    /// Where the layer sits ("encoder layer 2"); empty when only sizes are checked.
    let path: String
    /// The layer's ``LayerKind/typeName``.
    let typeName: String

    /// A shape failure naming the layer: "\(path) (\(typeName)) \(problem)".
    func fail(_ problem: String) -> ModelSpecError {
        ModelSpecError("\(path) (\(typeName)) \(problem)")
    }

    /// Throws for the first named size that is not positive.
    func positive(_ sizes: KeyValuePairs<String, Int>) throws {
        for (name, value) in sizes where value <= 0 {
            throw ModelSpecError("\(typeName) needs a positive \(name), not \(value)")
        }
    }

    /// The product of `factors` plus `extra`, or a failure when it overflows an `Int`.
    func parameters(_ factors: [Int], plus extra: Int) throws -> Int {
        var (total, overflow) = (1, false)
        for f in factors where !overflow { (total, overflow) = total.multipliedReportingOverflow(by: f) }
        if !overflow { (total, overflow) = total.addingReportingOverflow(extra) }
        guard !overflow else { throw ModelSpecError("\(typeName) has more parameters than an Int can count") }
        return total
    }

    /// a · b for a shape computed from `input`, or a failure naming the layer when it overflows.
    func multiply(_ a: Int, _ b: Int, input: [Int]) throws -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw fail("would give a size that overflows an Int from shape \(input)") }
        return p
    }

    /// The element count of `shape`, or a failure naming the layer and its `input` shape
    /// when it overflows.
    func elementCount(_ shape: [Int], input: [Int]) throws -> Int {
        try shape.reduce(1) { try multiply($0, $1, input: input) }
    }

    /// The height and width of an [H, W, C] image with C = `channels`, or a failure.
    func image(_ input: [Int], channels: Int) throws -> (h: Int, w: Int) {
        guard input.count == 3 else {
            throw fail("needs [height, width, \(channels)] images but receives shape \(input)")
        }
        guard input[2] == channels else {
            throw fail("needs \(channels) input channels but receives shape \(input)")
        }
        return (input[0], input[1])
    }
}
