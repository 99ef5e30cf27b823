import CLatentKernels

extension Tensor {
    /// The same elements viewed with another shape; one axis may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "Cannot reshape \(shape) to \(newShape).")
            target[unknown] = count / known
        }
        precondition(
            Tensor.elementCount(of: target) == count,
            "Cannot reshape \(shape) (\(count) elements) to \(newShape).")
        if target == shape { return self }
        return Tensor.recorded(Tensor(shape: target, storage: storage), inputs: [self]) { [shape] g in
            [{ g.reshaped(shape) }]  // the same elements in the input's shape
        }
    }

    /// This tensor repeated along broadcast axes to `target`.
    public func broadcasted(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(Broadcasting.shape(shape, target) == target, "Cannot broadcast \(shape) to \(target).")
        let out = Tensor(shape: target) { dst in
            Elementwise.broadcast(
                .second, storage.pointer, shapeA: shape, storage.pointer, shapeB: shape,
                dst.baseAddress!, shape: target)
        }
        // The accumulate step sums the gradient back to this tensor's shape.
        return Tensor.recorded(out, inputs: [self]) { g in [{ g }] }
    }

    /// The transpose of a matrix (a copy; ``matmul(_:_:transposeA:transposeB:)`` reads
    /// transposes without copying).
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, not shape \(shape).")
        return permuted([1, 0])
    }

    /// Axes reordered: axis i of the result is axis `order[i]` of this tensor.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "\(order) is not a permutation of the axes of \(shape).")
        let outShape = order.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let strides = order.map { inStrides[$0] }
        let out = Tensor(shape: outShape) { dst in
            let src = storage.pointer
            var index = [Int](repeating: 0, count: rank)
            var offset = 0
            for i in 0..<count {
                dst[i] = src[offset]
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += strides[axis]
                    if index[axis] < outShape[axis] { break }
                    offset -= strides[axis] * outShape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.recorded(out, inputs: [self]) { g in [{ g.permuted(inverse) }] }  // axes put back
    }

    /// Rows `range` along the first axis (a copy).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(
            rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
            "Rows \(range) are out of range for shape \(shape).")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = range.count
        let out = Tensor(shape: outShape) { dst in
            if dst.count > 0 {
                dst.baseAddress!.update(from: storage.pointer + range.lowerBound * rowSize, count: dst.count)
            }
        }
        return Tensor.recorded(out, inputs: [self]) { [shape] g in
            [
                {
                    // g in the rows taken, 0 elsewhere
                    var full = Tensor.zeros(shape)
                    full.withUnsafeMutableBufferPointer { dst in
                        g.withUnsafeBufferPointer { src in
                            if src.count > 0 {
                                (dst.baseAddress! + range.lowerBound * rowSize).update(
                                    from: src.baseAddress!, count: src.count)
                            }
                        }
                    }
                    return full
                }
            ]
        }
    }

    /// The rows at `indices` along the first axis, in that order (a batch).
    public func gathering(rows indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gathering(rows:) needs at least one axis.")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        for r in indices {
            precondition(r >= 0 && r < shape[0], "Row index \(r) is out of range for \(shape[0]) rows.")
        }
        let out = Tensor(shape: outShape) { dst in
            guard let d = dst.baseAddress, !indices.isEmpty else { return }
            indices.withUnsafeBufferPointer { rows in
                rows.withMemoryRebound(to: CLong.self) {
                    latent_gather_rows(storage.pointer, rowSize, $0.baseAddress!, indices.count, d)
                }
            }
        }
        return Tensor.recorded(out, inputs: [self]) { [shape] g in
            [
                {
                    // each row of g added to the row it was gathered from
                    var full = Tensor.zeros(shape)
                    full.withUnsafeMutableBufferPointer { dst in
                        g.withUnsafeBufferPointer { src in
                            for (k, r) in indices.enumerated() {
                                let d = dst.baseAddress! + r * rowSize
                                Vector.add(d, src.baseAddress! + k * rowSize, into: d, count: rowSize)
                            }
                        }
                    }
                    return full
                }
            ]
        }
    }

    /// Joins tensors along `axis`; all other axes must match.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor.")
        let first = tensors[0]
        let axis = axis < 0 ? axis + first.rank : axis
        for t in tensors {
            precondition(
                t.rank == first.rank && (0..<first.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                "Shapes \(tensors.map(\.shape)) do not match outside axis \(axis).")
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        let sizes = tensors.map { $0.shape[axis] }
        var outShape = first.shape
        outShape[axis] = sizes.reduce(0, +)
        let total = outShape[axis]
        let out = Tensor(shape: outShape) { dst in
            var start = 0
            for (t, n) in zip(tensors, sizes) {
                for o in 0..<outer {
                    (dst.baseAddress! + (o * total + start) * inner).update(
                        from: t.storage.pointer + o * n * inner, count: n * inner)
                }
                start += n
            }
        }
        // Where each input starts along `axis`.
        let starts = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
        return recorded(out, inputs: tensors) { g in
            zip(sizes, starts).map { (n: Int, start: Int) -> () -> Tensor in
                {  // each input's gradient: its slice of g
                    Tensor(
                        shape: {
                            var s = outShape
                            s[axis] = n
                            return s
                        }()
                    ) { dst in
                        for o in 0..<outer {
                            (dst.baseAddress! + o * n * inner).update(
                                from: g.storage.pointer + (o * total + start) * inner, count: n * inner)
                        }
                    }
                }
            }
        }
    }
}
