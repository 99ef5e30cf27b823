/// How well per-row scores find the labelled anomaly of a signal.
///
/// ```
/// AUROC, AP      over the scored rows (after the training part), one point per row
/// top            = argmax score (the first on ties)
/// solved (UCR)   ⇔ top ∈ [first anomalous row − 100, last anomalous row + 100]
/// F1             of (score > threshold) against the labels (SKAB's metric)
/// ```
public struct SignalEvaluation: Codable, Sendable, Equatable {
    /// Area under the ROC curve, point-wise.
    public var auroc: Double
    /// Average precision, point-wise.
    public var averagePrecision: Double
    /// The highest-scoring row (absolute index in the file).
    public var topRow: Int
    /// Whether the top row lies within ``tolerance`` of the labelled span (the UCR rule).
    public var solved: Bool
    /// Precision, recall and F1 of the threshold's flags.
    public var precision: Double, recall: Double, f1: Double
    /// The labelled span (first and last anomalous row; `nil` without anomalies).
    public var anomalySpan: ClosedRange<Int>?
    /// Rows evaluated and anomalous rows among them.
    public var rows: Int, anomalousRows: Int

    /// The UCR rule's slack around the anomaly.
    public static let tolerance = 100

    /// Evaluates `scores` against `labels` on rows `from...`.
    /// - Parameters:
    ///   - scores: one per row of the file.
    ///   - labels: one per row, `true` = anomalous.
    ///   - from: the first evaluated row (the end of the training part).
    ///   - threshold: the detector's threshold, for F1.
    /// - Throws: ``DetectorError/insufficientData(_:)`` when the evaluated rows hold no
    ///   anomaly or no normal row, or the counts differ.
    public init(scores: [Float], labels: [Bool], from: Int, threshold: Float) throws {
        guard scores.count == labels.count, from >= 0, from < scores.count else {
            throw DetectorError.insufficientData(
                "\(scores.count) scores and \(labels.count) labels, evaluated from row \(from)")
        }
        let s = Array(scores[from...])
        let l = Array(labels[from...])
        guard l.contains(true), l.contains(false) else {
            throw DetectorError.insufficientData(
                "the rows from \(from) need both anomalous and normal labels to be evaluated")
        }
        auroc = try ROCCurve(scores: s, labels: l).auc
        averagePrecision = try PrecisionRecallCurve(scores: s, labels: l).averagePrecision
        var top = 0
        for i in s.indices where s[i] > s[top] { top = i }
        topRow = from + top
        let first = from + l.firstIndex(of: true)!
        let last = from + l.lastIndex(of: true)!
        anomalySpan = first...last
        solved = topRow >= first - Self.tolerance && topRow <= last + Self.tolerance
        var tp = 0
        var fp = 0
        var fn = 0
        for i in s.indices {
            let flagged = s[i] > threshold
            if flagged && l[i] { tp += 1 } else if flagged { fp += 1 } else if l[i] { fn += 1 }
        }
        precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        recall = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        rows = s.count
        anomalousRows = l.filter { $0 }.count
    }
}
