import Foundation

/// An error from the detection metrics, threshold rules and conformal p-values.
///
/// Every case prints as a sentence that says what is wrong and what to do; the CLI shows
/// ``description`` as is.
public enum DetectionError: Error, Equatable, Sendable {
    /// Scores and labels (or predictions and labels) have different lengths.
    case lengthMismatch(scores: Int, labels: Int)
    /// No scores were given where at least one is needed.
    case emptyScores
    /// The score at `index` is NaN.
    case nanScore(index: Int)
    /// The score at `index` is infinite where finite scores are needed (threshold rules).
    case infiniteScore(index: Int)
    /// The labels hold only one class, so the quantity (`what`) is undefined.
    case singleClass(what: String, anomalies: Int, normals: Int)
    /// A parameter is outside its valid range.
    case invalidParameter(name: String, value: Double, valid: String)
    /// A threshold rule needs labelled calibration scores and none were given.
    case labelsRequired(rule: String)
    /// A string is not a threshold rule; `reason` says why.
    case invalidRule(text: String, reason: String)
}

extension DetectionError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .lengthMismatch(let scores, let labels):
            return "There are \(scores) scores but \(labels) labels; give one label per score."
        case .emptyScores:
            return "No scores were given; at least one score is needed."
        case .nanScore(let index):
            return "Score \(index) is NaN; scores must be numbers (check the model and the input data)."
        case .infiniteScore(let index):
            return "Score \(index) is infinite; threshold rules need finite calibration scores."
        case .singleClass(let what, let anomalies, let normals):
            return "The \(what) needs both anomalies and normal samples in the labels, "
                + "but there are \(anomalies) anomalies and \(normals) normal samples."
        case .invalidParameter(let name, let value, let valid):
            return "\(name) must be \(valid), not \(value)."
        case .labelsRequired(let rule):
            return "The threshold rule '\(rule)' needs labelled calibration scores, including "
                + "anomalies; give labels or choose another rule."
        case .invalidRule(let text, let reason):
            return "'\(text)' is not a threshold rule: \(reason). Valid forms: "
                + ThresholdRule.validForms + "."
        }
    }

    public var errorDescription: String? { description }
}
