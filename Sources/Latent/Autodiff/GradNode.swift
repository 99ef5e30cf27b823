/// An operation's gradient rule: from the gradient g of its result, one closure per input
/// that computes that input's gradient (in the input's shape or one that broadcasts to it).
/// Backward runs only the closures of inputs that take part in the graph, so a rule never
/// checks which inputs are constants.
typealias Pullback = (_ g: Tensor) -> [() -> Tensor]

/// One vertex of the reverse-mode graph: the tensor-valued result of an operation
/// (or a leaf such as a parameter) and the rule that maps the gradient flowing into it
/// to the gradients of its inputs.
///
/// A graph is built as operations run (define-by-run, as in micrograd or PyTorch) and
/// is released when the last tensor that refers to it goes away.
final class GradNode {
    /// Nodes of the operands; `nil` for operands that are constants.
    let inputs: [GradNode?]
    /// Maps the output gradient to one gradient per input, each either in the input's
    /// shape or in a shape that broadcasts to it (it is summed back in ``accumulate``).
    /// ``Tensor/backward(seed:)`` releases it once used, which frees the tensors it
    /// captured (activations, weights) as soon as the backward pass is past them.
    private(set) var pullback: Pullback?
    /// Whether this node is a leaf (a tensor the user asked gradients for).
    let isLeaf: Bool
    /// The shape of the value this node stands for.
    let shape: [Int]
    /// Accumulated gradient of the final result with respect to this node's value.
    var gradient: Tensor?

    /// A leaf: a tensor the user asked gradients for.
    init(leafOfShape shape: [Int]) {
        self.inputs = []
        self.pullback = nil
        self.isLeaf = true
        self.shape = shape
    }

    init(shape: [Int], inputs: [GradNode?], pullback: @escaping Pullback) {
        self.inputs = inputs
        self.pullback = pullback
        self.isLeaf = false
        self.shape = shape
    }

    /// Runs the pullback once and releases it (and everything it captured).
    func consumePullback(_ g: Tensor) -> [() -> Tensor] {
        guard let pullback else {
            preconditionFailure(
                "backward() already ran through this part of the graph; run the forward pass again before a second backward()."
            )
        }
        self.pullback = nil
        return pullback(g)
    }

    /// Adds `incoming` to the stored gradient, summing broadcast axes away first.
    /// This is the single place where broadcasting is undone.
    func accumulate(_ incoming: Tensor) {
        let g = incoming.shape == shape ? incoming : incoming.sumToShape(shape)
        if let existing = gradient {
            gradient = existing + g
        } else {
            gradient = g
        }
    }
}

extension Tensor {
    /// Whether operations on this tensor record a gradient graph.
    public var requiresGradient: Bool { node != nil }

    /// The gradient accumulated by ``backward()`` for this leaf, if any.
    public var gradient: Tensor? { node?.gradient }

    /// This value as a new leaf of a gradient graph.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GradNode(leafOfShape: shape))
    }

    /// This value cut from any gradient graph (a constant).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Wraps `result` in a graph node when gradients are being recorded and any input
    /// takes part in a graph. `pullback` maps the result's gradient to one gradient
    /// closure per input; those of constant inputs are never run.
    static func recorded(_ result: Tensor, inputs: [Tensor], pullback: @escaping Pullback) -> Tensor {
        guard GradientMode.isRecording, inputs.contains(where: { $0.node != nil }) else { return result }
        var out = result
        out.node = GradNode(shape: result.shape, inputs: inputs.map(\.node), pullback: pullback)
        return out
    }
}
