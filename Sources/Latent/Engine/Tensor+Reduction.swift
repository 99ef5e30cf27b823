extension Tensor {
    /// Sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let total = withUnsafeBufferPointer { Reduction.sum($0.baseAddress!, count: count) }
        // ∂Σx/∂xᵢ = 1
        return Tensor.recorded(Tensor(total), inputs: [self]) { [shape] g in [{ g.broadcasted(to: shape) }] }
    }

    /// Sum over the given axes (negative axes count from the end).
    /// - Parameter keepingDimensions: keep the reduced axes with size 1.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let axes = normalized(axes)
        var reduced = self.detached()
        for axis in axes.sorted(by: >) { reduced = reduced.sumKeepingAxis(axis) }
        let keptShape = reduced.shape
        let outShape =
            keepingDimensions ? keptShape : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let out = Tensor(shape: outShape, storage: reduced.storage)
        return Tensor.recorded(out, inputs: [self]) { [shape] g in
            [{ g.reshaped(keptShape).broadcasted(to: shape) }]  // 1 for each summed element
        }
    }

    /// Sum over one axis.
    public func sum(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        sum(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// Mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Mean over the given axes.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let n = normalized(axes).reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// Sums this tensor down to `target`, a shape it was broadcast from.
    func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "Cannot sum shape \(shape) down to \(target).")
        var axes = Array(0..<lead)
        for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 {
            axes.append(lead + i)
        }
        var reduced = self
        for axis in axes.sorted(by: >) { reduced = reduced.sumKeepingAxis(axis) }
        return Tensor(shape: target, storage: reduced.storage)
    }

    /// Sums one axis keeping it with size 1 (no gradient; a kernel).
    func sumKeepingAxis(_ axis: Int) -> Tensor {
        let n = shape[axis]
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        return Tensor(shape: outShape) { out in
            Reduction.sumAxis(storage.pointer, outer: outer, n: n, inner: inner, into: out.baseAddress!)
        }
    }

    func normalized(_ axes: [Int]) -> [Int] {
        let result = axes.map { $0 < 0 ? $0 + rank : $0 }
        for a in result { precondition(a >= 0 && a < rank, "Axis \(a) is out of range for shape \(shape).") }
        precondition(Set(result).count == result.count, "Axes \(axes) repeat.")
        return result
    }
}
