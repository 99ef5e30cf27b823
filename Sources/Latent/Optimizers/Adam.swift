import CLatentKernels
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
    var stepCount = 0
    /// Parameters (all of a module's together) below which a step stays on one thread:
    /// 16k elements take about 8 µs.
    static let parallelElements = 1 << 14
    /// First and second moments per parameter, in 64-byte aligned buffers.
    var moments: [ObjectIdentifier: AdamMoments] = [:]
    /// The module whose parameter list ``parameterList`` holds (found by reflection once,
    /// not on every step).
    private weak var listedModule: AnyObject?
    private var parameterList: [Parameter] = []

    public convenience init(
        learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-7,
        weightDecay: Float = 0
    ) {
        self.init(
            learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
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
        if listedModule !== module {
            parameterList = module.namedParameters().map(\.parameter)
            listedModule = module
        }
        // One pass per parameter over p, m, v and the gradient's parts (a data-parallel
        // step's two shard gradients are added here, not in a pass of their own).
        var work: [AdamWork] = []
        for parameter in parameterList {
            var parts = parameter.gradientParts
            if parts.isEmpty { continue }
            // The kernel adds two parts; more are summed first (the same bits, see Parameter).
            if parts.count > 2 { parts = [parameter.gradient!] }
            work.append(AdamWork(parameter: parameter, parts: parts, state: moments(for: parameter)))
        }
        let total = work.reduce(0) { $0 + $1.state.count }
        let workers = total < Self.parallelElements ? 1 : Engine.workerCount
        // Thread w updates the w-th slice of every parameter (cut at 16 floats, one cache
        // line): the same slice each step, so each thread's m and v stay in its cache.
        Engine.parallelChunks(workers) { w in
            for item in work {
                let n = item.state.count
                let lower = (n * w / workers) & ~15
                let upper = w == workers - 1 ? n : (n * (w + 1) / workers) & ~15
                guard lower < upper else { continue }
                let g2 = item.parts.count > 1 ? UnsafePointer(item.parts[1].storage.pointer + lower) : nil
                latent_adam(
                    item.p + lower, item.parts[0].storage.pointer + lower, g2, item.state.m + lower,
                    item.state.v + lower, upper - lower, b1, b2, eps, alpha, l2, shrink)
            }
        }
    }

    /// The moments of `parameter`, created (zero) on its first step or when its size changed.
    private func moments(for parameter: Parameter) -> AdamMoments {
        let key = ObjectIdentifier(parameter)
        let count = parameter.wrappedValue.count
        if let existing = moments[key], existing.count == count { return existing }
        let state = AdamMoments(count: count)
        moments[key] = state
        return state
    }
}

/// One parameter's share of an Adam step: its floats (made unique), its gradient's parts
/// (held, so their storage outlives the step) and its moments.
private struct AdamWork {
    let p: UnsafeMutablePointer<Float>
    let parts: [Tensor]
    let state: AdamMoments

    init(parameter: Parameter, parts: [Tensor], state: AdamMoments) {
        precondition(parts.allSatisfy { $0.count == state.count }, "A gradient's size differs from its parameter's.")
        self.parts = parts
        self.state = state
        p = parameter.uniqueStorage()
    }
}

/// Adam's moment estimates for one parameter, zero-initialised and 64-byte aligned.
extension Adam {
    /// `step` (the update count, exact up to 2²⁴), and `m.NAME`, `v.NAME` per parameter.
    public func stateTensors(for module: Module) -> [String: Tensor] {
        var state = ["step": Tensor([Float(stepCount)])]
        for (name, parameter) in module.namedParameters() {
            guard let moments = moments[ObjectIdentifier(parameter)] else { continue }
            let shape = parameter.wrappedValue.shape
            state["m.\(name)"] = Tensor(shape: shape) { $0.baseAddress!.update(from: moments.m, count: moments.count) }
            state["v.\(name)"] = Tensor(shape: shape) { $0.baseAddress!.update(from: moments.v, count: moments.count) }
        }
        return state
    }

    public func loadStateTensors(_ state: [String: Tensor], for module: Module) throws {
        moments = [:]
        stepCount = Int(state["step"]?.item ?? 0)
        for (name, parameter) in module.namedParameters() {
            guard let m = state["m.\(name)"], let v = state["v.\(name)"] else { continue }
            let count = parameter.wrappedValue.count
            guard m.count == count, v.count == count else {
                throw ModuleError.shapeMismatch(
                    name: "m.\(name)", expected: parameter.wrappedValue.shape, found: m.shape)
            }
            let moments = AdamMoments(count: count)
            m.withUnsafeBufferPointer { moments.m.update(from: $0.baseAddress!, count: count) }
            v.withUnsafeBufferPointer { moments.v.update(from: $0.baseAddress!, count: count) }
            self.moments[ObjectIdentifier(parameter)] = moments
        }
    }
}

final class AdamMoments {
    let count: Int
    let m: UnsafeMutablePointer<Float>
    let v: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        m = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64).bindMemory(
            to: Float.self, capacity: max(count, 1))
        v = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64).bindMemory(
            to: Float.self, capacity: max(count, 1))
        m.initialize(repeating: 0, count: count)
        v.initialize(repeating: 0, count: count)
    }

    deinit {
        UnsafeMutableRawPointer(m).deallocate()
        UnsafeMutableRawPointer(v).deallocate()
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter): θ shrinks by η·λ each step,
/// separately from the adaptive gradient step. PyTorch's default λ is 0.01.
public final class AdamW: Adam {
    public init(
        learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-7,
        weightDecay: Float = 0.01
    ) {
        super.init(
            learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }
}
