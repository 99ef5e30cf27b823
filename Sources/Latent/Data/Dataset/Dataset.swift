/// Examples for training or evaluation: a feature tensor whose first axis indexes the
/// examples, and optionally one integer label per example.
///
/// Layout: `features` is `[count, …]`, for example `[n, 140]` for ECG beats or
/// `[n, 28, 28]` for MNIST images. Selecting, shuffling, splitting and batching all keep
/// features and labels together.
///
/// ```swift
/// let ecg = try ECG5000.load()
/// let normal = ecg.filter { $0 == ECG5000.normalLabel }
/// ```
public struct Dataset {
    /// The examples, first axis = example index.
    public var features: Tensor
    /// One label per example, or `nil` for unlabelled data.
    public var labels: [Int]?

    /// Creates a dataset.
    /// - Precondition: `features` has at least one axis; `labels`, when given, has one
    ///   entry per example.
    public init(features: Tensor, labels: [Int]? = nil) {
        precondition(
            features.rank >= 1, "Dataset features need at least one axis (the example axis).")
        if let labels {
            precondition(
                labels.count == features.shape[0],
                "Dataset has \(features.shape[0]) examples but \(labels.count) labels.")
        }
        self.features = features
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { features.shape[0] }

    /// The shape of one example (the feature shape without the example axis).
    public var exampleShape: [Int] { Array(features.shape.dropFirst()) }

    /// The same examples with each flattened to one axis: `[n, 28, 28]` becomes `[n, 784]`,
    /// the input layout of dense layers.
    public func flattened() -> Dataset {
        Dataset(features: features.reshaped([count, exampleShape.reduce(1, *)]), labels: labels)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(
            features: features.gathering(rows: indices),
            labels: labels.map { l in indices.map { l[$0] } })
    }

    /// The examples whose label satisfies `isIncluded`, in their original order.
    /// - Precondition: the dataset has labels.
    public func filter(_ isIncluded: (Int) -> Bool) -> Dataset {
        guard let labels else { preconditionFailure("filter(_:) needs a labelled dataset.") }
        return subset(labels.indices.filter { isIncluded(labels[$0]) })
    }

    /// How many examples carry each label (empty without labels).
    public var labelCounts: [Int: Int] {
        var counts: [Int: Int] = [:]
        for label in labels ?? [] { counts[label, default: 0] += 1 }
        return counts
    }
}
