/// The index batches of one pass over `count` examples: consecutive groups of
/// `batchSize` positions of `order`, the last one shorter unless `dropsLast`.
///
/// ```swift
/// var rng = RandomGenerator(seed: 1)
/// for batch in BatchIndices(count: 100, batchSize: 32, order: rng.permutation(100)) { … }
/// ```
public struct BatchIndices: Sequence {
    /// The example order the batches walk through.
    public let order: [Int]
    /// The number of examples per batch.
    public let batchSize: Int
    /// Whether a final batch smaller than `batchSize` is left out.
    public let dropsLast: Bool

    /// Batches of `0..<count` in `order` (default: in sequence).
    /// - Precondition: `batchSize > 0`; `order`, when given, has `count` entries.
    public init(count: Int, batchSize: Int, order: [Int]? = nil, dropsLast: Bool = false) {
        precondition(batchSize > 0, "The batch size must be positive, not \(batchSize).")
        precondition(
            order.map { $0.count == count } ?? true, "The order must list all \(count) examples.")
        self.order = order ?? Array(0..<count)
        self.batchSize = batchSize
        self.dropsLast = dropsLast
    }

    /// The number of batches.
    public var batchCount: Int {
        dropsLast ? order.count / batchSize : (order.count + batchSize - 1) / batchSize
    }

    /// Yields each batch as the example indices it holds.
    public func makeIterator() -> AnyIterator<[Int]> {
        var batch = 0
        return AnyIterator {
            guard batch < batchCount else { return nil }
            defer { batch += 1 }
            let start = batch * batchSize
            return Array(order[start..<Swift.min(start + batchSize, order.count)])
        }
    }
}

extension Dataset {
    /// The dataset in consecutive batches, in order.
    public func batches(
        size: Int, dropsLast: Bool = false
    ) -> LazyMapSequence<
        BatchIndices, Dataset
    > {
        BatchIndices(count: count, batchSize: size, dropsLast: dropsLast).lazy.map { subset($0) }
    }

    /// The dataset in batches after a random shuffle drawn from `generator`.
    public func batches(
        size: Int, dropsLast: Bool = false, shuffledUsing generator: inout RandomGenerator
    ) -> LazyMapSequence<BatchIndices, Dataset> {
        let order = generator.permutation(count)
        return BatchIndices(count: count, batchSize: size, order: order, dropsLast: dropsLast).lazy
            .map { subset($0) }
    }
}
