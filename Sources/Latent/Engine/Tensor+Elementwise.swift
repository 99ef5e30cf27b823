import Foundation

// Elementwise primitives. Each op computes its value with a vectorised C kernel
// (``UnaryKernel``, ``BinaryKernel``) and, when gradients are recorded, its pullback right
// below it, one closure per input with its formula (style rule: forward and backward side
// by side). Broadcast gradients are summed back to the operand's shape in one place,
// `GradNode.accumulate`.

extension Tensor {
    /// Applies `f` to every element (no gradient; a building block for rare ops).
    func mapped(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out in
            let x = storage.pointer
            let o = out.baseAddress!
            for i in 0..<out.count { o[i] = f(x[i]) }
        }
    }

    /// Combines two tensors elementwise with broadcasting through a scalar closure (no
    /// gradient; for rare ops — the common ones go through ``combined(_:_:_:)-(BinaryKernel,_,_)``).
    static func combined(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let shape = Broadcasting.shape(a.shape, b.shape)
        let sa = Broadcasting.strides(of: a.shape, in: shape)
        let sb = Broadcasting.strides(of: b.shape, in: shape)
        return Tensor(shape: shape) { out in
            let pa = a.storage.pointer
            let pb = b.storage.pointer
            let o = out.baseAddress!
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<out.count {
                var offA = 0
                var offB = 0
                for axis in 0..<shape.count {
                    offA += index[axis] * sa[axis]
                    offB += index[axis] * sb[axis]
                }
                o[i] = f(pa[offA], pb[offB])
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Applies a C unary kernel to every element (no gradient).
    func applying(_ op: UnaryKernel) -> Tensor {
        Tensor(shape: shape) { out in
            Elementwise.unary(op, storage.pointer, out.baseAddress!, count: count)
        }
    }

    /// Combines two tensors with a C binary kernel and broadcasting (no gradient).
    static func combined(_ op: BinaryKernel, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Broadcasting.shape(a.shape, b.shape)
        return Tensor(shape: shape) { out in
            Elementwise.broadcast(
                op, a.storage.pointer, shapeA: a.shape, b.storage.pointer, shapeB: b.shape,
                out.baseAddress!, shape: shape)
        }
    }
}

// MARK: - Binary arithmetic

extension Tensor {
    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(.add, a, b), inputs: [a, b]) { g in
            [
                { g },  // ∂(a + b)/∂a = 1
                { g },
            ]  // ∂(a + b)/∂b = 1
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(.subtract, a, b), inputs: [a, b]) { g in
            [
                { g },  // ∂(a − b)/∂a = 1
                { g.applying(.negate) },
            ]  // ∂(a − b)/∂b = −1
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        recorded(combined(.multiply, a, b), inputs: [a, b]) { g in
            [
                { combined(.multiply, g, b) },  // ∂(a·b)/∂a = b
                { combined(.multiply, g, a) },
            ]  // ∂(a·b)/∂b = a
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = combined(.divide, a, b)
        return recorded(out, inputs: [a, b]) { g in
            [
                { combined(.divide, g, b) },  // ∂(a/b)/∂a = 1/b
                { combined(.negatedQuotient, combined(.multiply, g, out), b) },
            ]  // ∂(a/b)/∂b = −(a/b)/b
        }
    }

    /// Negation.
    public static prefix func - (x: Tensor) -> Tensor {
        recorded(x.applying(.negate), inputs: [x]) { g in [{ g.applying(.negate) }] }  // ∂(−x)/∂x = −1
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
    /// eˣ elementwise (a vectorised Cephes-style exponential, ≈1 ulp on normal results).
    public func exp() -> Tensor {
        let y = applying(.exp)
        return Tensor.recorded(y, inputs: [self]) { g in
            [{ Tensor.combined(.multiply, g, y) }]  // ∂eˣ/∂x = eˣ
        }
    }

    /// Natural logarithm elementwise.
    public func log() -> Tensor {
        Tensor.recorded(applying(.log), inputs: [self]) { g in
            [{ Tensor.combined(.divide, g, self) }]  // ∂ln x/∂x = 1/x
        }
    }

    /// √x elementwise.
    public func sqrt() -> Tensor {
        let y = applying(.sqrt)
        return Tensor.recorded(y, inputs: [self]) { g in
            [{ Tensor.combined(.sqrtGradient, g, y) }]  // ∂√x/∂x = 1/(2√x)
        }
    }

    /// x² elementwise.
    public func squared() -> Tensor {
        Tensor.recorded(applying(.square), inputs: [self]) { g in
            [{ Tensor.combined(.squareGradient, g, self) }]  // ∂x²/∂x = 2x
        }
    }

    /// |x| elementwise; the gradient at 0 is taken as 0.
    public func abs() -> Tensor {
        Tensor.recorded(applying(.abs), inputs: [self]) { g in
            [{ Tensor.combined(.absGradient, g, self) }]  // ∂|x|/∂x = sign(x)
        }
    }

    /// max(x, 0) elementwise; the gradient at 0 is taken as 0.
    public func relu() -> Tensor {
        Tensor.recorded(applying(.relu), inputs: [self]) { g in
            [{ Tensor.combined(.reluGradient, g, self) }]  // ∂relu/∂x = [x > 0]
        }
    }

    /// 1 / (1 + e⁻ˣ) elementwise, computed without overflow for large |x|.
    public func sigmoid() -> Tensor {
        let y = applying(.sigmoid)
        return Tensor.recorded(y, inputs: [self]) { g in
            [{ Tensor.combined(.sigmoidGradient, g, y) }]  // ∂σ/∂x = σ(1 − σ)
        }
    }

    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor {
        let y = applying(.tanh)
        return Tensor.recorded(y, inputs: [self]) { g in
            [{ Tensor.combined(.tanhGradient, g, y) }]  // ∂tanh/∂x = 1 − tanh²
        }
    }

    /// log(1 + eˣ) elementwise, computed as max(x, 0) + log1p(e^-|x|) so it never
    /// overflows.
    public func softplus() -> Tensor {
        Tensor.recorded(applying(.softplus), inputs: [self]) { g in
            [{ Tensor.combined(.softplusGradient, g, self) }]  // ∂softplus/∂x = σ(x)
        }
    }

    /// Limits every element to [low, high]; the gradient is 1 inside and 0 outside.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        precondition(low <= high, "clamped(min:max:) needs min ≤ max, got \(low) > \(high).")
        return Tensor.recorded(mapped { Swift.min(Swift.max($0, low), high) }, inputs: [self]) { g in
            [{ Tensor.combined(g, self) { ($1 >= low && $1 <= high) ? $0 : 0 } }]  // 1 inside, 0 outside
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
