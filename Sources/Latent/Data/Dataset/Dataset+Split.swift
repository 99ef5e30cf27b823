extension Dataset {
    /// The examples in a random order.
    public func shuffled(using generator: inout RandomGenerator) -> Dataset {
        subset(generator.permutation(count))
    }

    /// Splits the examples at random into two parts, the first holding
    /// `round(fraction · count)` of them.
    ///
    /// ```swift
    /// var rng = RandomGenerator(seed: 42)
    /// let (train, test) = data.randomSplit(fraction: 0.8, using: &rng)
    /// ```
    /// - Precondition: `0 ≤ fraction ≤ 1`.
    public func randomSplit(
        fraction: Double, using generator: inout RandomGenerator
    ) -> (
        Dataset, Dataset
    ) {
        let (first, second) = Dataset.splitIndices(
            count: count, fraction: fraction, using: &generator)
        return (subset(first), subset(second))
    }

    /// Splits the examples at random so that each label keeps its proportion in both
    /// parts: every class contributes `round(fraction · classCount)` examples to the first
    /// part. Both parts come out shuffled.
    /// - Precondition: the dataset has labels; `0 ≤ fraction ≤ 1`.
    public func stratifiedSplit(
        fraction: Double, using generator: inout RandomGenerator
    ) -> (
        Dataset, Dataset
    ) {
        guard let labels else { preconditionFailure("stratifiedSplit needs a labelled dataset.") }
        let (first, second) = Dataset.stratifiedSplitIndices(
            labels: labels, fraction: fraction, using: &generator)
        return (subset(first), subset(second))
    }

    /// Random indices of a split of `0..<count`: the first part has
    /// `round(fraction · count)` indices.
    public static func splitIndices(
        count: Int, fraction: Double, using generator: inout RandomGenerator
    ) -> (first: [Int], second: [Int]) {
        precondition(
            (0...1).contains(fraction), "The split fraction must be in 0...1, not \(fraction).")
        let order = generator.permutation(count)
        let cut = Int((fraction * Double(count)).rounded())
        return (Array(order[..<cut]), Array(order[cut...]))
    }

    /// Random indices of a stratified split of `labels.indices` (see
    /// ``stratifiedSplit(fraction:using:)``). Classes are visited in ascending label order.
    public static func stratifiedSplitIndices(
        labels: [Int], fraction: Double, using generator: inout RandomGenerator
    ) -> (first: [Int], second: [Int]) {
        precondition(
            (0...1).contains(fraction), "The split fraction must be in 0...1, not \(fraction).")
        var byClass: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        var first: [Int] = []
        var second: [Int] = []
        for label in byClass.keys.sorted() {
            var members = byClass[label]!
            generator.shuffle(&members)
            let cut = Int((fraction * Double(members.count)).rounded())
            first += members[..<cut]
            second += members[cut...]
        }
        generator.shuffle(&first)
        generator.shuffle(&second)
        return (first, second)
    }
}
