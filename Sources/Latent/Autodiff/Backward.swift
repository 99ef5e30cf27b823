extension Tensor {
    /// Back-propagates from this tensor through the graph that produced it and adds
    /// d(self)/d(leaf) to the ``gradient`` of every leaf that ``requiresGradient``.
    ///
    /// Call it on a scalar loss. For a non-scalar tensor pass the upstream gradient
    /// `seed` (same shape), as in a vector–Jacobian product. Gradients accumulate across
    /// calls; clear them with ``Module/zeroGradients()`` or by making new leaves.
    public func backward(seed: Tensor? = nil) {
        guard let root = node else { return }
        let start =
            seed
            ?? {
                precondition(count == 1, "backward() without a seed needs a scalar, not shape \(shape).")
                return Tensor.ones(shape)
            }()
        precondition(start.shape == shape, "The seed's shape \(start.shape) must be \(shape).")

        let order = GradNode.topologicalOrder(from: root)
        withoutGradients {
            root.accumulate(start)
            for node in order.reversed() {
                guard !node.isLeaf, let g = node.gradient else { continue }
                // Interior gradients and pullbacks are consumed once; dropping them frees
                // memory early and leaves parameters uniquely referenced for the optimizer,
                // which then updates them in place instead of copying.
                node.gradient = nil
                let inputGradients = node.consumePullback(g)
                // A constant input's gradient is never computed.
                for (input, gradient) in zip(node.inputs, inputGradients) {
                    if let input { input.accumulate(gradient()) }
                }
            }
        }
    }
}

extension GradNode {
    /// Nodes reachable from `root`, each after all of its inputs (iterative DFS, so deep
    /// graphs do not overflow the stack).
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                if let input = node.inputs[next], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}
