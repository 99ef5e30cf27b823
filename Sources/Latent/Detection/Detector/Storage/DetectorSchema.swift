/// The input a detector was fitted on and accepts: the shape of one example, the feature
/// names when the training file had a header, and how labels were found.
///
/// A table row of `d` numbers has `exampleShape == [d]`; an image has `[H, W, C]`. Scoring
/// checks every batch against ``featureCount``.
public struct DetectorSchema: Codable, Equatable, Sendable {
    /// The shape of one example (without the batch axis).
    public var exampleShape: [Int]
    /// Names of the features, from the training file's header; `nil` without one.
    public var featureNames: [String]?
    /// The label column of the training file: its zero-based index in the file's fields.
    public var labelColumnIndex: Int?
    /// The label column's header name, when it had one.
    public var labelName: String?
    /// The label value that marked the normal rows, when there were labels.
    public var normalLabel: String?

    /// A schema for examples of `exampleShape`.
    public init(
        exampleShape: [Int], featureNames: [String]? = nil, labelColumnIndex: Int? = nil,
        labelName: String? = nil, normalLabel: String? = nil
    ) {
        self.exampleShape = exampleShape
        self.featureNames = featureNames
        self.labelColumnIndex = labelColumnIndex
        self.labelName = labelName
        self.normalLabel = normalLabel
    }

    /// The number of values in one example, `exampleShape.reduce(1, *)`.
    public var featureCount: Int { exampleShape.reduce(1, *) }

    /// Whether examples are images `[H, W, C]` rather than rows of a table.
    public var isImage: Bool { exampleShape.count == 3 }

    /// A readable name for feature `index`: the header name, `(y, x)` for image pixels
    /// (`(y, x, c)` with several channels), else `f<index>`.
    public func featureName(_ index: Int) -> String {
        if let featureNames, index < featureNames.count, !featureNames[index].isEmpty {
            return featureNames[index]
        }
        if isImage {
            let (w, c) = (exampleShape[1], exampleShape[2])
            let pixel = index / c
            return c == 1
                ? "(\(pixel / w), \(pixel % w))" : "(\(pixel / w), \(pixel % w), \(index % c))"
        }
        return "f\(index)"
    }

    /// Throws unless a batch `[n, …]` has this schema's feature count and every value is a
    /// finite number (a NaN would score as NaN, and `NaN > threshold` flag nothing).
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` naming `source`, and the
    ///   row and feature of the first NaN or ±Inf.
    public func check(_ batch: Tensor, source: String) throws {
        let features = batch.shape.dropFirst().reduce(1, *)
        guard batch.rank >= 2, features == featureCount else {
            throw DetectorError.schemaMismatch(
                source: source,
                message: "the data has \(features) feature\(features == 1 ? "" : "s") per row "
                    + "(shape \(batch.shape)) but the detector was fitted on \(featureCount) "
                    + "(example shape \(exampleShape)); give data with the same columns as the training file"
            )
        }
        if let bad = batch.firstNonFiniteIndex {
            let (row, feature) = bad.quotientAndRemainder(dividingBy: featureCount)
            let value = batch.withUnsafeBufferPointer { $0[bad] }
            let name = featureName(feature)
            let place =
                isImage
                ? "value \(feature) (pixel \(name))"
                : "feature \(feature)" + (name == "f\(feature)" ? "" : " (\"\(name)\")")
            throw DetectorError.schemaMismatch(
                source: source,
                message: "row \(row), \(place) is \(value); every value must be a finite number "
                    + "(rows and features count from 0)")
        }
    }
}
