import CLatentSystem

/// A trainable tensor held by a ``Module``: `@Parameter var weight: Tensor`.
///
/// The wrapper is a reference, so reflection can find it and optimizers can update it in
/// place; its tensor is a permanent leaf of every gradient graph it takes part in, so
/// ``Tensor/backward()`` accumulates into ``gradient``.
@propertyWrapper
public final class Parameter {
    private var value: Tensor
    /// The leaves shards 1, 2, … of a data-parallel training step read this parameter
    /// through (shard 0 uses `value`'s own): the same storage, each shard's gradient
    /// accumulated apart, so the threads never write one node (``BatchShards``).
    private var shardLeaves: [GradNode] = []

    public init(wrappedValue: Tensor) {
        value = wrappedValue.requiringGradient()
    }

    public var wrappedValue: Tensor {
        get {
            let shard = Int(latent_thread_shard())
            guard shard > 0, shard <= shardLeaves.count else { return value }
            return Tensor(shape: value.shape, storage: value.storage, node: shardLeaves[shard - 1])
        }
        set { value = newValue.detached().requiringGradient() }
    }

    /// Makes sure shards 1..<count have leaves, with no gradient (called before the shards start).
    func prepareShards(_ count: Int) {
        if shardLeaves.first?.shape != value.shape { shardLeaves = [] }  // a new value of another shape
        while shardLeaves.count < count - 1 { shardLeaves.append(GradNode(leafOfShape: value.shape)) }
        for leaf in shardLeaves { leaf.gradient = nil }
    }

    /// Shards 1, 2, …'s gradients, in shard order, not yet added to shard 0's: Adam adds
    /// them in its own pass over the parameter (``gradientParts``); ``gradient`` adds them
    /// first. Adding them here cost a new tensor per parameter and step (fashion-ae: 31 µs
    /// of a 300 µs step, on one thread).
    private var pendingShardGradients: [Tensor] = []

    /// Takes the gradients of shards 1..<count (in shard order) off their leaves; they
    /// count as this parameter's gradient from here on.
    func gatherShardGradients(_ count: Int) {
        for leaf in shardLeaves.prefix(count - 1) {
            guard let g = leaf.gradient else { continue }
            leaf.gradient = nil
            pendingShardGradients.append(g)
        }
    }

    /// The gradient accumulated since the last ``zeroGradient()``.
    public var gradient: Tensor? {
        if !pendingShardGradients.isEmpty, let node = value.node {
            // In shard order: the bits ``gradientParts`` gives when added left to right.
            for g in pendingShardGradients { node.gradient = node.gradient.map { $0 + g } ?? g }
            pendingShardGradients = []
        }
        return value.gradient
    }

    /// The gradient as parts whose sum, left to right, is ``gradient``: shard 0's and the
    /// other shards' of a data-parallel step; empty when there is none.
    var gradientParts: [Tensor] { (value.gradient.map { [$0] } ?? []) + pendingShardGradients }

    /// Clears the accumulated gradient.
    public func zeroGradient() {
        value.node?.gradient = nil
        pendingShardGradients = []
    }

    /// Updates the value in place (copying first only if the storage is shared), keeping
    /// the same graph leaf. Optimizers use this to avoid a new allocation per step.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let node = value.node
        value.withUnsafeMutableBufferPointer(body)
        value.node = node
    }

    /// The value's floats, made unique first as ``update(_:)`` does, for an optimizer that
    /// updates them from several threads; valid until the value is next replaced.
    func uniqueStorage() -> UnsafeMutablePointer<Float> {
        var pointer: UnsafeMutablePointer<Float>?
        update { pointer = $0.baseAddress }
        return pointer!
    }
}

/// A container of parameters and sub-modules, found by reflection and named by dotted
/// path (`encoder.layers.0.weight`); those names are the keys in saved weight files.
///
/// Conform a `final class`, declare parameters with `@Parameter` and sub-modules as
/// stored properties (or arrays of modules).
public protocol Module: AnyObject {}

extension Module {
    /// Every parameter with its dotted name, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        Self.collect(self, prefix: "", into: &result)
        return result
    }

    private static func collect(_ subject: Any, prefix: String, into result: inout [(String, Parameter)]) {
        for child in Mirror(reflecting: subject).children {
            guard var label = child.label else { continue }
            if label.hasPrefix("_") { label.removeFirst() }
            let name = prefix.isEmpty ? label : "\(prefix).\(label)"
            switch child.value {
            case let parameter as Parameter:
                result.append((name, parameter))
            case let module as Module:
                collect(module, prefix: name, into: &result)
            case let modules as [Module]:
                for (i, module) in modules.enumerated() { collect(module, prefix: "\(name).\(i)", into: &result) }
            case let modules as [any Layer]:
                for (i, module) in modules.enumerated() { collect(module, prefix: "\(name).\(i)", into: &result) }
            default:
                continue
            }
        }
    }

    /// The parameter tensors by name.
    public func parameters() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.parameter.wrappedValue) })
    }

    /// Total number of scalar parameters.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.parameter.wrappedValue.count } }

    /// Clears every parameter's accumulated gradient.
    public func zeroGradients() { for (_, p) in namedParameters() { p.zeroGradient() } }

    /// Replaces parameter values by name; every parameter must be given, with its shape.
    /// - Throws: ``ModuleError`` naming the first missing, unexpected or mis-shaped tensor.
    public func load(parameters values: [String: Tensor]) throws {
        let named = namedParameters()
        let expected = Set(named.map(\.name))
        if let extra = values.keys.sorted().first(where: { !expected.contains($0) }) {
            throw ModuleError.unexpectedParameter(extra)
        }
        for (name, parameter) in named {
            guard let value = values[name] else { throw ModuleError.missingParameter(name) }
            guard value.shape == parameter.wrappedValue.shape else {
                throw ModuleError.shapeMismatch(name: name, expected: parameter.wrappedValue.shape, found: value.shape)
            }
            parameter.wrappedValue = value
        }
    }
}

/// A module that maps one tensor to one tensor.
public protocol Layer: Module {
    /// Applies the layer to a batch.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// Why parameters could not be loaded into a module.
public enum ModuleError: Error, CustomStringConvertible, Equatable {
    case missingParameter(String)
    case unexpectedParameter(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .missingParameter(let name):
            return "The weights have no tensor named '\(name)', which the model needs."
        case .unexpectedParameter(let name):
            return "The weights have a tensor named '\(name)' that the model does not have."
        case .shapeMismatch(let name, let expected, let found):
            return "Tensor '\(name)' has shape \(found) but the model needs \(expected)."
        }
    }
}
