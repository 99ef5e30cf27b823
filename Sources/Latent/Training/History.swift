import Foundation

/// What one epoch of training measured.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's samples.
    public var loss: Float
    /// Loss on the validation data after the epoch, when there is any.
    public var validationLoss: Float?
    /// Wall-clock seconds the epoch took (training steps only).
    public var seconds: Double
    /// Training samples processed per second.
    public var samplesPerSecond: Double
}

/// The per-epoch record of a training run.
public struct History: Codable, Equatable, Sendable {
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights were kept, when early stopping restored the best ones.
    public var restoredEpoch: Int?
    /// With early stopping: the last epoch whose validation loss improved on the one before
    /// by more than ``TrainingOptions/earlyStoppingTolerance``; patience counts from it.
    public var improvedEpoch: Int?
    /// Why training stopped before its last epoch, if it did.
    public var stopReason: String?

    public init() {}

    public var losses: [Float] { epochs.map(\.loss) }
    public var validationLosses: [Float] { epochs.compactMap(\.validationLoss) }

    /// `epoch,loss,val_loss,seconds,samples_per_second`, one row per epoch.
    public func csv() -> String {
        var lines = ["epoch,loss,val_loss,seconds,samples_per_second"]
        for e in epochs {
            lines.append(
                [
                    String(e.epoch), "\(e.loss)", e.validationLoss.map { "\($0)" } ?? "",
                    String(format: "%.4f", e.seconds), String(format: "%.1f", e.samplesPerSecond),
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Training could not go on.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN or infinite: the run diverged (too high a learning rate, bad
    /// data) and any further step would only spread NaN into the weights.
    case nonFiniteLoss(epoch: Int, step: Int, value: Float)
    /// The data cannot be batched as asked.
    case invalidData(String)
    /// A checkpoint to resume from is unreadable or belongs to another model.
    case invalidCheckpoint(String)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let epoch, let step, let value):
            return "Training diverged: the loss was \(value) at epoch \(epoch), step \(step). "
                + "Lower the learning rate, or check the data for NaN or extreme values."
        case .invalidData(let message):
            return "Cannot train: \(message)"
        case .invalidCheckpoint(let message):
            return "Cannot resume training: \(message)."
        }
    }
}
