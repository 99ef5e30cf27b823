import Foundation

// Elementwise primitives. Each op computes its value with a raw-buffer loop and, when
// gradients are recorded, its pullback a few lines below (style rule: forward and
// backward side by side). Broadcast gradients are summed back to the operand's shape
// in one place, `GradNode.accumulate`.

extension Tensor {
    /// Applies `f` to every element (no gradient; a building block for ops).
    func mapped(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out in
            Elementwise.map(storage.pointer, out.baseAddress!, count: count, f)
        }
    }

    /// Combines two tensors elementwise with broadcasting (no gradient).
    static func combined(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let shape = Broadcasting.shape(a.shape, b.shape)
        return Tensor(shape: shape) { out in
            Elementwise.broadcast(
                a.storage.pointer, shapeA: a.shape, b.storage.pointer, shapeB: b.shape,
                out.baseAddress!, shape: shape, f)
        }
    }
}

// MARK: - Binary arithmetic

extension Tensor {
    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(a, b, +), inputs: [a, b]) { g in [g, g] }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(a, b, -), inputs: [a, b]) { g in [g, g.mapped { -$0 }] }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(a, b, *), inputs: [a, b]) { g in
            [a.node == nil ? nil : combined(g, b, *), b.node == nil ? nil : combined(g, a, *)]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = combined(a, b, /)
        return recorded(out, inputs: [a, b]) { g in
            let ga = a.node == nil ? nil : combined(g, b, /)
            // d(a/b)/db = -(a/b)/b
            let gb = b.node == nil ? nil : combined(combined(g, out, *), b) { -$0 / $1 }
            return [ga, gb]
        }
    }

    /// Negation.
    public static prefix func - (x: Tensor) -> Tensor {
        recorded(x.mapped { -$0 }, inputs: [x]) { g in [g.mapped { -$0 }] }
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Tensor, b: Float) -> Tensor { a * Tensor(1 / b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
}

// MARK: - Unary functions

extension Tensor {
    /// eˣ elementwise.
    public func exp() -> Tensor {
        let out = mapped { Foundation.exp($0) }
        return Tensor.recorded(out, inputs: [self]) { g in [Tensor.combined(g, out, *)] }
    }

    /// Natural logarithm elementwise.
    public func log() -> Tensor {
        Tensor.recorded(mapped { Foundation.log($0) }, inputs: [self]) { g in [Tensor.combined(g, self, /)] }
    }

    /// √x elementwise.
    public func sqrt() -> Tensor {
        let out = mapped { $0.squareRoot() }
        return Tensor.recorded(out, inputs: [self]) { g in [Tensor.combined(g, out) { 0.5 * $0 / $1 }] }
    }

    /// x² elementwise.
    public func squared() -> Tensor {
        Tensor.recorded(mapped { $0 * $0 }, inputs: [self]) { g in [Tensor.combined(g, self) { 2 * $0 * $1 }] }
    }

    /// |x| elementwise; the gradient at 0 is taken as 0.
    public func abs() -> Tensor {
        Tensor.recorded(mapped { Swift.abs($0) }, inputs: [self]) { g in
            [Tensor.combined(g, self) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]
        }
    }

    /// max(x, 0) elementwise; the gradient at 0 is taken as 0.
    public func relu() -> Tensor {
        Tensor.recorded(mapped { Swift.max($0, 0) }, inputs: [self]) { g in
            [Tensor.combined(g, self) { $1 > 0 ? $0 : 0 }]
        }
    }

    /// 1 / (1 + e⁻ˣ) elementwise, computed without overflow for large |x|.
    public func sigmoid() -> Tensor {
        let out = mapped(Tensor.stableSigmoid)
        return Tensor.recorded(out, inputs: [self]) { g in
            [Tensor.combined(g, out) { $0 * $1 * (1 - $1) }]
        }
    }

    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor {
        let out = mapped { Foundation.tanh($0) }
        return Tensor.recorded(out, inputs: [self]) { g in
            [Tensor.combined(g, out) { $0 * (1 - $1 * $1) }]
        }
    }

    /// log(1 + eˣ) elementwise, computed as max(x, 0) + log1p(e^-|x|) so it never
    /// overflows.
    public func softplus() -> Tensor {
        Tensor.recorded(mapped(Tensor.stableSoftplus), inputs: [self]) { g in
            [Tensor.combined(g, self) { $0 * Tensor.stableSigmoid($1) }]
        }
    }

    /// Limits every element to [low, high]; the gradient is 1 inside and 0 outside.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        precondition(low <= high, "clamped(min:max:) needs min ≤ max, got \(low) > \(high).")
        return Tensor.recorded(mapped { Swift.min(Swift.max($0, low), high) }, inputs: [self]) { g in
            [Tensor.combined(g, self) { ($1 >= low && $1 <= high) ? $0 : 0 }]
        }
    }

    static func stableSigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + Foundation.exp(-x))
        }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    static func stableSoftplus(_ x: Float) -> Float {
        Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    }
}

/// Free-function spellings, convenient inside formulas.
public func exp(_ x: Tensor) -> Tensor { x.exp() }
public func log(_ x: Tensor) -> Tensor { x.log() }
public func sqrt(_ x: Tensor) -> Tensor { x.sqrt() }
public func abs(_ x: Tensor) -> Tensor { x.abs() }
public func relu(_ x: Tensor) -> Tensor { x.relu() }
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
public func softplus(_ x: Tensor) -> Tensor { x.softplus() }
