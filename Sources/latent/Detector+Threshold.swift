import ArgumentParser
import Foundation
import Latent

/// `--rule RULE`, or `--fpr ALPHA [--confidence C]`: a threshold rule chosen on the
/// command line.
struct RuleOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The threshold rule: \(ThresholdRule.validForms).", valueName: "rule"))
    var rule: String?

    @Option(
        help: ArgumentHelp(
            "Shorthand for --rule fpr:ALPHA: flag rows whose conformal p-value is ≤ ALPHA.",
            valueName: "ALPHA"))
    var fpr: Double?

    @Option(
        help: ArgumentHelp(
            "With --fpr: make the false-alarm rate ≤ ALPHA with this probability (1 − DELTA) over the calibration draw, not only on average (--rule fpr:ALPHA@C; DKW-adjusted p-values, see docs/thresholds.md).",
            valueName: "C"))
    var confidence: Double?

    @Option(
        help: ArgumentHelp(
            "With --confidence: the simultaneous bound, dkw (default) or simes (tighter in the tail; --rule fpr:ALPHA@C:simes).",
            valueName: "dkw|simes"))
    var bound: String?

    func validate() throws { _ = try parsed() }

    /// The rule given, or `nil`.
    func parsed() throws -> ThresholdRule? {
        if confidence != nil && fpr == nil {
            throw ValidationError("--confidence goes with --fpr ALPHA (e.g. --fpr 0.05 --confidence 0.9).")
        }
        if bound != nil && confidence == nil {
            throw ValidationError("--bound goes with --fpr ALPHA --confidence C.")
        }
        if rule != nil && fpr != nil {
            throw ValidationError("Give either --rule or --fpr, not both.")
        }
        let text: String
        if let fpr {
            text = "fpr:\(fpr)" + (confidence.map { "@\($0)" } ?? "") + (bound.map { ":\($0)" } ?? "")
        } else if let rule {
            text = rule
        } else {
            return nil
        }
        do {
            return try ThresholdRule(parsing: text)
        } catch {
            throw ValidationError("\(fpr == nil ? "--rule" : "--fpr/--confidence"): \(error)")
        }
    }
}

extension LatentCommand.Detector {
    struct Threshold: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-set a fitted detector's threshold rule without retraining.",
            discussion: """
                Computes the rule's threshold from the calibration scores stored in the \
                detector directory and replaces detector.json in one atomic rename, so a \
                score running meanwhile sees the old rule or the new one (model, calibration \
                scores and loss history are untouched; detector.json records the new rule, every rule \
                computed so far with its value, and the rule it replaced). youden needs a \
                detector fitted on labelled data that held anomalies. Without a rule it lists \
                the current rule and the computed ones.

                  latent detector threshold det --rule percentile:99
                  latent detector threshold det --fpr 0.05 --confidence 0.9
                  latent detector score det --input new.csv --rule fpr:0.01
                """)

        @Argument(help: "The detector directory (written by `latent detector fit`).")
        var detector: String

        @OptionGroup var rule: RuleOptions

        func run() throws {
            let url = URL(fileURLWithPath: detector)
            guard let rule = try rule.parsed() else {
                let current = try AnomalyDetector.load(from: url)
                print("rule\tthreshold")
                print("\(current.thresholdRule)\t\(current.threshold)\t(current)")
                for key in current.ruleThresholds.keys.sorted() {
                    print("\(key)\t\(current.ruleThresholds[key]!)")
                }
                return
            }
            let (detector, manifest) = try AnomalyDetector.rethreshold(at: url, rule: rule)
            let previous = manifest.rethresholded.map { "\($0.previousRule) = \($0.previousValue)" } ?? "?"
            note(
                "Threshold \(rule) = \(detector.threshold) from \(detector.calibration.count) calibration scores "
                    + "(was \(previous)); expected false-alarm rate \(detector.falseAlarmEstimate.summary). "
                    + "Rewrote \(url.path).")
        }
    }
}
