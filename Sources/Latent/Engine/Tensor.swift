import Foundation

/// An n-dimensional array of `Float` with a shape, contiguous row-major storage and
/// value semantics.
///
/// Tensors are the one numeric type of Latent. Arithmetic on tensors builds a graph
/// for reverse-mode differentiation when any operand ``requiresGradient``; call
/// ``backward()`` on a scalar result to fill the ``gradient`` of every leaf.
///
/// ```swift
/// let x = Tensor([[1, 2], [3, 4]])
/// let y = (x * x).sum()          // 30
/// ```
///
/// Layout: row-major (C order); the last axis varies fastest. Images are NHWC.
public struct Tensor {
    /// The size of each axis. An empty shape is a scalar.
    public internal(set) var shape: [Int]
    var storage: TensorStorage
    /// The node that records how this tensor was computed, when gradients are tracked.
    var node: GradNode?

    init(shape: [Int], storage: TensorStorage, node: GradNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// Creates a tensor from row-major scalars.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        let count = Tensor.elementCount(of: shape)
        precondition(
            scalars.count == count,
            "Shape \(shape) holds \(count) elements but \(scalars.count) scalars were given.")
        let storage = TensorStorage(uninitializedCount: count)
        scalars.withUnsafeBufferPointer { source in
            if count > 0 { storage.pointer.initialize(from: source.baseAddress!, count: count) }
        }
        self.init(shape: shape, storage: storage)
    }

    /// Creates a tensor of the given shape whose elements are written by `body`, which
    /// receives an uninitialised buffer and must initialise every element.
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let storage = TensorStorage(uninitializedCount: Tensor.elementCount(of: shape))
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        self.init(shape: shape, storage: storage)
    }

    /// Creates a scalar (rank-0) tensor.
    public init(_ value: Float) {
        self.init(shape: [], storage: TensorStorage(repeating: value, count: 1))
    }

    /// Creates a rank-1 tensor.
    public init(_ values: [Float]) {
        self.init(shape: [values.count], scalars: values)
    }

    /// Creates a rank-2 tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "All rows must have the same length.")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Tensor.elementCount(of: shape)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements (the product of the shape).
    public var count: Int { storage.count }
    /// All elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }
    /// The value of a tensor with exactly one element.
    public var item: Float {
        precondition(count == 1, "item needs a tensor with one element, not shape \(shape).")
        return storage.pointer[0]
    }

    /// Reads the elements without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Writes the elements in place, copying the storage first when it is shared.
    /// The tensor leaves any gradient graph: it becomes a constant.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) || storage.isView { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Element at a multi-dimensional index (slow; for tests and small tensors).
    public subscript(index: Int...) -> Float {
        get { storage.pointer[flatIndex(index)] }
        set {
            let offset = flatIndex(index)
            withUnsafeMutableBufferPointer { $0[offset] = newValue }
        }
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Index \(index) does not match rank \(rank).")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(
                i >= 0 && i < shape[axis], "Index \(i) is out of range for axis \(axis) of size \(shape[axis]).")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// The product of a shape's sizes.
    public static func elementCount(of shape: [Int]) -> Int {
        var n = 1
        for s in shape {
            precondition(s >= 0, "Shape \(shape) has a negative size.")
            n *= s
        }
        return n
    }

    /// A copy that shares no storage and carries no gradient graph.
    public func copied() -> Tensor { Tensor(shape: shape, storage: storage.copy()) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
