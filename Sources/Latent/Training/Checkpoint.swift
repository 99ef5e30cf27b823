import Foundation

/// Everything a training run needs to continue exactly where it stopped, at an epoch
/// boundary: weights, optimizer state, both random streams, the history and the
/// early-stopping best. Resuming from it gives the same weights, bit for bit, as a run
/// that was never interrupted (same seed and thread count).
///
/// On disk it is a directory written atomically (a crash leaves the previous complete
/// checkpoint): `model.safetensors`, `optimizer.safetensors`, `best.safetensors` (when
/// early stopping holds a best epoch) and `trainer.json`.
struct TrainingCheckpoint: Codable {
    static let formatVersion = 1
    var formatVersion = TrainingCheckpoint.formatVersion
    /// Epochs completed.
    var epoch: Int
    var generator: RandomGenerator
    var lossGenerator: RandomGenerator
    var history: History
    var bestEpoch: Int?
    var bestLoss: Float?
    var parameterNames: [String]

    static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("trainer.json").path)
    }

    /// Writes the checkpoint of `model` and `optimizer` atomically.
    func write(model: Module, optimizer: Optimizer, best: [String: Tensor]?, to directory: URL) throws {
        let named = model.namedParameters()
        try AtomicFile.writeDirectory(at: directory) { staging in
            try SafeTensors.write(
                named.map { ($0.name, $0.parameter.wrappedValue) },
                to: staging.appendingPathComponent("model.safetensors"))
            let state = optimizer.stateTensors(for: model)
            try SafeTensors.write(
                state.keys.sorted().map { ($0, state[$0]!) },
                to: staging.appendingPathComponent("optimizer.safetensors"))
            if let best {
                try SafeTensors.write(
                    best.keys.sorted().map { ($0, best[$0]!) }, to: staging.appendingPathComponent("best.safetensors"))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(self), to: staging.appendingPathComponent("trainer.json"))
        }
    }

    /// Reads a checkpoint and loads its weights and optimizer state into `model` and `optimizer`.
    /// - Returns: the checkpoint and the early-stopping best weights, if any.
    /// - Throws: ``TrainingError/invalidCheckpoint(_:)`` naming the file and the problem.
    static func restore(
        from directory: URL, model: Module, optimizer: Optimizer
    ) throws -> (TrainingCheckpoint, [String: Tensor]?) {
        let json = directory.appendingPathComponent("trainer.json")
        let checkpoint: TrainingCheckpoint
        do {
            checkpoint = try JSONDecoder().decode(TrainingCheckpoint.self, from: Data(contentsOf: json))
        } catch {
            throw TrainingError.invalidCheckpoint("\(json.path) cannot be read: \(describeDecodingError(error))")
        }
        guard checkpoint.formatVersion == formatVersion else {
            throw TrainingError.invalidCheckpoint(
                "\(json.path) has format version \(checkpoint.formatVersion); this build reads \(formatVersion)")
        }
        // The epochs are untrusted numbers the loop does arithmetic with: Int.max trapped
        // on `epoch + 1`, and a negative epoch meant training for billions of epochs. A
        // checkpoint holds one history record per completed epoch, which bounds them.
        guard checkpoint.epoch >= 0, checkpoint.epoch == checkpoint.history.epochs.count else {
            throw TrainingError.invalidCheckpoint(
                "\(json.path) records epoch \(checkpoint.epoch) but holds \(checkpoint.history.epochs.count) epochs of history"
            )
        }
        if let best = checkpoint.bestEpoch, best < 1 || best > checkpoint.epoch {
            throw TrainingError.invalidCheckpoint(
                "\(json.path) records best epoch \(best), outside the \(checkpoint.epoch) epochs it completed")
        }
        if let improved = checkpoint.history.improvedEpoch, improved < 1 || improved > checkpoint.epoch {
            throw TrainingError.invalidCheckpoint(
                "\(json.path) records the last improvement at epoch \(improved), outside the \(checkpoint.epoch) epochs it completed"
            )
        }
        guard checkpoint.parameterNames == model.namedParameters().map(\.name) else {
            throw TrainingError.invalidCheckpoint(
                "\(json.path) was written for a different model (its parameter names differ)")
        }
        do {
            try model.load(
                parameters: try SafeTensors.read(contentsOf: directory.appendingPathComponent("model.safetensors"))
                    .tensors)
            try optimizer.loadStateTensors(
                try SafeTensors.read(contentsOf: directory.appendingPathComponent("optimizer.safetensors")).tensors,
                for: model)
            let bestURL = directory.appendingPathComponent("best.safetensors")
            let best =
                FileManager.default.fileExists(atPath: bestURL.path)
                ? try SafeTensors.read(contentsOf: bestURL).tensors : nil
            return (checkpoint, best)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.invalidCheckpoint("\(directory.path): \(error)")
        }
    }
}
