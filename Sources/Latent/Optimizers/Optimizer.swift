/// Updates a module's parameters from their accumulated gradients.
///
/// Optimizers keep per-parameter state (momentum, moment estimates) keyed by the
/// parameter's identity, and update values in place in one pass over raw buffers.
public protocol Optimizer: AnyObject {
    /// Step size.
    var learningRate: Float { get set }
    /// Applies one update to every parameter of `module` that has a gradient.
    func step(_ module: Module)
    /// The optimizer's state for `module`'s parameters, keyed by `kind.parameterName`,
    /// for checkpoints.
    func stateTensors(for module: Module) -> [String: Tensor]
    /// Restores state written by ``stateTensors(for:)``.
    /// - Throws: ``ModuleError`` when a tensor's shape does not fit its parameter.
    func loadStateTensors(_ state: [String: Tensor], for module: Module) throws
}

/// Gradient descent with optional (heavy-ball) momentum, PyTorch's form:
/// ```
/// v ← μ·v + g;   θ ← θ − η·v
/// ```
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    private var velocity: [ObjectIdentifier: [Float]] = [:]

    public init(learningRate: Float = 0.01, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ module: Module) {
        let (lr, mu, wd) = (learningRate, momentum, weightDecay)
        for (_, parameter) in module.namedParameters() {
            guard let gradient = parameter.gradient else { continue }
            let key = ObjectIdentifier(parameter)
            var v = velocity[key] ?? [Float](repeating: 0, count: gradient.count)
            gradient.withUnsafeBufferPointer { g in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.update { p in
                        for i in 0..<p.count {
                            let gi = g[i] + wd * p[i]
                            if mu != 0 {
                                v[i] = mu * v[i] + gi
                                p[i] -= lr * v[i]
                            } else {
                                p[i] -= lr * gi
                            }
                        }
                    }
                }
            }
            velocity[key] = v
        }
    }

    public func stateTensors(for module: Module) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, parameter) in module.namedParameters() {
            if let v = velocity[ObjectIdentifier(parameter)] {
                state["velocity.\(name)"] = Tensor(shape: parameter.wrappedValue.shape, scalars: v)
            }
        }
        return state
    }

    public func loadStateTensors(_ state: [String: Tensor], for module: Module) throws {
        velocity = [:]
        for (name, parameter) in module.namedParameters() {
            guard let v = state["velocity.\(name)"] else { continue }
            guard v.count == parameter.wrappedValue.count else {
                throw ModuleError.shapeMismatch(
                    name: "velocity.\(name)", expected: parameter.wrappedValue.shape, found: v.shape)
            }
            velocity[ObjectIdentifier(parameter)] = v.scalars
        }
    }
}
