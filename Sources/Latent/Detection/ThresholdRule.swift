import Foundation

/// How to turn calibration scores into the threshold a detector flags anomalies above
/// (`score > threshold`, higher score = more anomalous).
///
/// | Rule | CLI form | Threshold |
/// |---|---|---|
/// | ``meanStd(k:)`` | `mean-std:K` | `mean + K · std` of the calibration scores |
/// | ``percentile(_:)`` | `percentile:Q` | the `Q`-th percentile of the calibration scores |
/// | ``contamination(_:)`` | `contamination:P` | the `(1 − P)` quantile of the training scores |
/// | ``falsePositiveRate(_:)`` | `fpr:ALPHA` | the conformal cut: flag when p-value ≤ `ALPHA` |
/// | ``youden`` | `youden` | maximise sensitivity + specificity on labelled scores |
/// | ``conditionalFalsePositiveRate(_:confidence:bound:)`` | `fpr:ALPHA@CONFIDENCE[:simes]` | the DKW- (or Simes-) adjusted conformal cut: FPR ≤ `ALPHA` with probability ≥ `CONFIDENCE` over the calibration draw |
///
/// A rule is a value: it prints as its CLI form (``description``), parses back
/// (``init(parsing:)``), and is `Codable` as that string, so a model file records how its
/// threshold was chosen.
///
/// ```swift
/// let rule = try ThresholdRule(parsing: "percentile:99")
/// let cut = try rule.threshold(calibrationScores: trainingScores)
/// ```
///
/// ### See Also
/// - ``ThresholdRule/threshold(calibrationScores:labels:)``
/// - ``ConformalCalibration``
public enum ThresholdRule: Sendable, Hashable {
    /// `mean + k · std` of the calibration scores (population std, `ddof = 0`); `k ≥ 0`.
    case meanStd(k: Double)
    /// The `q`-th percentile of the calibration scores, `q` in 0…100, linear interpolation.
    case percentile(Double)
    /// PyOD's contamination rule: the expected fraction `p` of anomalies in the training
    /// data, in (0, 0.5]; the threshold is the `100 · (1 − p)`-th percentile of the
    /// calibration scores. A detector fitted on an unlabelled file calibrates on a random
    /// sample of that file, so this is PyOD's meaning (a share `p` of the training data lies
    /// above the threshold), measured on rows the model did not train on. Fitted with a
    /// normal label, the calibration rows are normal rows only, and the rule flags a share
    /// `p` of *normal* rows: the same as `percentile(100 · (1 − p))` (use
    /// `falsePositiveRate(p)` for a guaranteed false-alarm rate).
    case contamination(Double)
    /// Split-conformal false positive rate control: flag a score whose conformal p-value
    /// is at most `alpha`, in (0, 1). On normal data exchangeable with the calibration
    /// set, at most a fraction `alpha` is flagged.
    case falsePositiveRate(Double)
    /// Youden's J on labelled calibration scores that include anomalies.
    case youden
    /// Calibration-conditional false positive rate control (Bates et al. 2023, DKW form):
    /// flag a score whose calibration-conditional p-value is at most `alpha`, so that the
    /// false-alarm rate on new normal data is at most `alpha` with probability at least
    /// `confidence` over the draw of the calibration set (not only on average).
    /// See ``ConformalCalibration/conditionalPValue(_:confidence:)`` (DKW) and
    /// ``ConformalCalibration/simesBounds(confidence:order:)`` (`bound: .simes`).
    case conditionalFalsePositiveRate(Double, confidence: Double, bound: ConditionalBound = .dkw)

    /// The accepted CLI forms, for help text and error messages.
    public static let validForms =
        "mean-std:K (K ≥ 0), percentile:Q (0 ≤ Q ≤ 100), contamination:P (0 < P ≤ 0.5), "
        + "fpr:ALPHA (0 < ALPHA < 1), youden, "
        + "fpr:ALPHA@CONFIDENCE[:simes] (calibration-conditional, 0 < CONFIDENCE < 1)"

    /// Whether the rule needs labels (and anomalies) in the calibration set.
    public var needsLabels: Bool { self == .youden }

    /// Throws unless the rule's parameter is in its valid range.
    /// - Throws: ``DetectionError/invalidParameter(name:value:valid:)``.
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Double, _ valid: String) throws {
            if !ok { throw DetectionError.invalidParameter(name: name, value: value, valid: valid) }
        }
        switch self {
        case .meanStd(let k):
            try require(k.isFinite && k >= 0, "mean-std K", k, "a finite number ≥ 0")
        case .percentile(let q):
            try require(q >= 0 && q <= 100, "percentile Q", q, "between 0 and 100")
        case .contamination(let p):
            try require(p > 0 && p <= 0.5, "contamination P", p, "in (0, 0.5]")
        case .falsePositiveRate(let alpha):
            try require(alpha > 0 && alpha < 1, "fpr ALPHA", alpha, "strictly between 0 and 1")
        case .youden:
            break
        case .conditionalFalsePositiveRate(let alpha, let confidence, _):
            try require(alpha > 0 && alpha < 1, "fpr ALPHA", alpha, "strictly between 0 and 1")
            try require(
                confidence > 0 && confidence < 1, "CONFIDENCE", confidence,
                "strictly between 0 and 1 (it is 1 − DELTA, e.g. 0.9)")
        }
    }
}

extension ThresholdRule: CustomStringConvertible, LosslessStringConvertible {
    /// The CLI form, such as `percentile:99` or `fpr:0.05`; it parses back to the same rule.
    public var description: String {
        switch self {
        case .meanStd(let k): return "mean-std:\(Self.format(k))"
        case .percentile(let q): return "percentile:\(Self.format(q))"
        case .contamination(let p): return "contamination:\(Self.format(p))"
        case .falsePositiveRate(let alpha): return "fpr:\(Self.format(alpha))"
        case .youden: return "youden"
        case .conditionalFalsePositiveRate(let alpha, let confidence, let bound):
            return "fpr:\(Self.format(alpha))@\(Self.format(confidence))"
                + (bound == .dkw ? "" : ":\(bound.rawValue)")
        }
    }

    /// Parses a CLI form, or returns `nil`; ``init(parsing:)`` says what is wrong.
    public init?(_ description: String) {
        guard let rule = try? ThresholdRule(parsing: description) else { return nil }
        self = rule
    }

    /// Parses a CLI form: `mean-std:K`, `percentile:Q`, `contamination:P`, `fpr:ALPHA`
    /// or `youden` (surrounding spaces ignored), and checks the parameter's range.
    /// - Throws: ``DetectionError/invalidRule(text:reason:)``, whose message lists the
    ///   valid forms.
    public init(parsing text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespaces)
            .split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        func number() throws -> Double {
            guard let argument, !argument.isEmpty else {
                throw DetectionError.invalidRule(text: text, reason: "'\(name)' needs a number after a colon")
            }
            guard let value = Double(argument), value.isFinite else {
                throw DetectionError.invalidRule(text: text, reason: "'\(argument)' is not a finite number")
            }
            return value
        }
        switch name {
        case "mean-std": self = .meanStd(k: try number())
        case "percentile": self = .percentile(try number())
        case "contamination": self = .contamination(try number())
        case "fpr":
            if let argument, let at = argument.firstIndex(of: "@") {
                let a = argument[..<at].trimmingCharacters(in: .whitespaces)
                let rest = argument[argument.index(after: at)...].split(
                    separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let c = rest[0].trimmingCharacters(in: .whitespaces)
                guard let alpha = Double(a), alpha.isFinite, let confidence = Double(c),
                    confidence.isFinite
                else {
                    throw DetectionError.invalidRule(
                        text: text, reason: "'fpr:ALPHA@CONFIDENCE' needs two numbers, such as fpr:0.05@0.9")
                }
                var bound = ConditionalBound.dkw
                if rest.count > 1 {
                    let name = rest[1].trimmingCharacters(in: .whitespaces)
                    guard let chosen = ConditionalBound(rawValue: name) else {
                        throw DetectionError.invalidRule(
                            text: text, reason: "unknown bound '\(name)' (use dkw or simes)")
                    }
                    bound = chosen
                }
                self = .conditionalFalsePositiveRate(alpha, confidence: confidence, bound: bound)
            } else {
                self = .falsePositiveRate(try number())
            }
        case "youden":
            guard argument == nil else {
                throw DetectionError.invalidRule(text: text, reason: "'youden' takes no parameter")
            }
            self = .youden
        default:
            throw DetectionError.invalidRule(text: text, reason: "unknown rule '\(name)'")
        }
        do {
            try validate()
        } catch let error as DetectionError {
            var reason = error.description
            if reason.hasSuffix(".") { reason.removeLast() }
            throw DetectionError.invalidRule(text: text, reason: reason)
        }
    }

    /// Shortest text that parses back to the same `Double` (`3`, not `3.0`).
    private static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}

extension ThresholdRule: Codable {
    /// Decodes the CLI form, checking it like ``init(parsing:)``.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ThresholdRule(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes the CLI form, such as `"percentile:99"`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
