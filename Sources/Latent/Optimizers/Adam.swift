import Foundation

/// Adam (Kingma & Ba), in Keras's formulation, with optional weight decay either as an
/// L2 term added to the gradient (`Adam(weightDecay:)`) or decoupled from it (``AdamW``):
/// ```
/// g ← g + λ·θ                        (L2 form only)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// α ← η · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
/// θ ← θ − η·λ·θ                      (decoupled form only)
/// θ ← θ − α · m / (√v + ε)
/// ```
/// Defaults are Keras's: η = 1e-3, β = (0.9, 0.999), ε = 1e-7 (PyTorch uses ε = 1e-8
/// added after bias correction; pass `epsilon: 1e-8` to come close to it).
public class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    let decoupled: Bool
    private(set) var stepCount = 0
    private var moments: [ObjectIdentifier: (m: [Float], v: [Float])] = [:]

    public convenience init(learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-7,
                weightDecay: Float = 0) {
        self.init(learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
    }

    init(learningRate: Float, betas: (Float, Float), epsilon: Float, weightDecay: Float, decoupled: Bool) {
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func step(_ module: Module) {
        stepCount += 1
        let t = Double(stepCount)
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        let alpha = Float(Double(lr) * (1 - pow(Double(b2), t)).squareRoot() / (1 - pow(Double(b1), t)))
        let l2 = decoupled ? 0 : weightDecay
        let shrink = decoupled ? 1 - lr * weightDecay : 1
        for (_, parameter) in module.namedParameters() {
            guard let gradient = parameter.gradient else { continue }
            let key = ObjectIdentifier(parameter)
            var state = moments[key] ?? ([Float](repeating: 0, count: gradient.count), [Float](repeating: 0, count: gradient.count))
            moments[key] = nil  // keep the arrays uniquely referenced while mutating them
            gradient.withUnsafeBufferPointer { g in
                state.m.withUnsafeMutableBufferPointer { m in
                    state.v.withUnsafeMutableBufferPointer { v in
                        parameter.update { p in
                            AdamKernel.update(p: p.baseAddress!, g: g.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                              count: p.count, b1: b1, b2: b2, eps: eps, alpha: alpha, l2: l2, shrink: shrink)
                        }
                    }
                }
            }
            moments[key] = state
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter): θ shrinks by η·λ each step,
/// separately from the adaptive gradient step. PyTorch's default λ is 0.01.
public final class AdamW: Adam {
    public init(learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-7,
                weightDecay: Float = 0.01) {
        super.init(learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }
}

/// The fused Adam update over raw buffers, 16 lanes at a time.
enum AdamKernel {
    static func update(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, count: Int, b1: Float, b2: Float, eps: Float,
                       alpha: Float, l2: Float, shrink: Float) {
        typealias V = SIMD16<Float>
        var i = 0
        let (c1, c2) = (1 - b1, 1 - b2)
        while i + 16 <= count {
            let pv = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            var gv = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
            gv += l2 * pv
            let mv = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: V.self) + c1 * gv
            let vv = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: V.self) + c2 * gv * gv
            let np = shrink * pv - alpha * mv / (vv.squareRoot() + eps)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mv, as: V.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vv, as: V.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: np, as: V.self)
            i += 16
        }
        while i < count {
            let gi = g[i] + l2 * p[i]
            m[i] = b1 * m[i] + c1 * gi
            v[i] = b2 * v[i] + c2 * gi * gi
            p[i] = shrink * p[i] - alpha * m[i] / (v[i].squareRoot() + eps)
            i += 1
        }
    }
}
