import Foundation
import Latent

/// What `latent detector fit` says before and after training, apart from the progress.
enum FitMessages {
    /// The refusal (two values) or warning (more) for a table whose first or last column
    /// looks like a forgotten label.
    static func forgottenLabel(_ suspect: DetectorData.SuspectedLabel, rows: Int) -> String {
        let values =
            suspect.values.prefix(10).joined(separator: ", ")
            + (suspect.values.count > 10 ? ", …" : "")
        return "column \(suspect.column) (the \(suspect.position)) holds only \(suspect.values.count) "
            + "distinct whole numbers (\(values)) in \(rows) rows: it looks like a label, and "
            + "without --label-column it \(suspect.values.count > 2 ? "is" : "would be") trained on as a feature, with every row taken "
            + "as normal. Give --label-column \(suspect.position) "
            // A negative value must be attached, or it reads as an option.
            + (suspect.commonest.hasPrefix("-") ? "--normal-label=" : "--normal-label ")
            + "\(suspect.commonest) "
            + "(the value of the normal rows; \(suspect.commonest) is the commonest) to use it as "
            + "the label, or --label-column none to train on every column."
    }

    /// The sizes chosen, one line each, shown before training starts.
    static func plan(_ plan: TrainingPlan) -> [String] {
        if plan.model == .neighbours {
            return [
                "Plan: \(plan.modelSummary), \(plan.scaler == .global ? "global min-max" : "per-feature standardised") scaling."
            ] + plan.notes
        }
        let widths = plan.hidden.map(String.init).joined(separator: "-")
        let epochs =
            plan.minimumEpochs == plan.maximumEpochs
            ? "\(plan.maximumEpochs) epochs"
            : "\(plan.minimumEpochs) to \(plan.maximumEpochs) epochs (early stopping after \(plan.minimumEpochs), patience \(plan.patience))"
        var lines = [
            "Plan: \(plan.model) autoencoder \(widths), \(plan.loss.rawValue.uppercased()) loss, \(plan.scaler == .global ? "global" : "per-feature") scaling; "
                + "batch \(plan.batchSize), \(plan.stepsPerEpoch) steps per epoch, \(epochs)."
        ]
        lines += plan.notes
        return lines
    }

    /// How training ended: the last epoch, why, and the epoch kept.
    static func ending(_ plan: TrainingPlan) -> String {
        "Training ended after epoch \(plan.epochsRun): \(plan.stopReason); kept the weights of "
            + "epoch \(plan.bestEpoch) (lowest val_loss on the early-stopping rows)."
    }

    /// A warning when training ended at its epoch cap while the early-stopping loss was
    /// still falling (its best epoch among the last 5 %), or `nil`.
    static func epochCap(_ plan: TrainingPlan, history: History?) -> String? {
        guard plan.epochsRun >= plan.maximumEpochs, plan.epochsRun > 1 else { return nil }
        let recent = max(1, plan.epochsRun / 20)
        guard plan.bestEpoch > plan.epochsRun - recent else { return nil }
        var change = ""
        if let epochs = history?.epochs, epochs.count > recent,
            let now = epochs.last.map({ $0.validationLoss ?? $0.loss }),
            let before = Optional(epochs[epochs.count - 1 - recent]).map({ $0.validationLoss ?? $0.loss }),
            before > 0
        {
            change = String(
                format: " (%.2g %% lower over its last %d epochs)", Double((before - now) / before * 100), recent)
        }
        return "Training stopped at its epoch cap (\(plan.maximumEpochs) epochs) while the "
            + "early-stopping loss was still falling\(change); more epochs may fit better "
            + "(--epochs \(plan.maximumEpochs * 2))."
    }

    /// A score or threshold with 4 significant digits.
    static func score(_ x: Float) -> String { String(format: "%#.4g", x) }
}
