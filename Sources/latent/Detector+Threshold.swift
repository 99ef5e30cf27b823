import ArgumentParser
import Foundation
import Latent

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
