import Foundation
import Latent

// Training checkpoints: `trainer.json`, the half of a checkpoint directory that says where
// a run stopped (epoch, both random streams, the history, the early-stopping best, the
// parameter names). Start-up trains a tiny autoencoder for 2 epochs with early stopping and
// a checkpoint every epoch, so the scratch directory holds real model, optimizer and best
// weights. Each input replaces its trainer.json and resumes a 3-epoch run from it through
// the public Trainer.fit(…, options.resume), which reads the checkpoint with
// TrainingCheckpoint.restore and continues training (no checkpoint is written back).
//
// With LATENT_FUZZ_SEEDS=<dir> in the environment, start-up also writes the real
// trainer.json into <dir> as the seed (run.sh does this with -runs=0).

/// Eight rows of a 4-feature toy set; the same every process.
let rows: Tensor = {
    var g = RandomGenerator(seed: 3)
    return Tensor.randomNormal([8, 4], using: &g)
}()

func train(epochs: Int, checkpointTo directory: URL?, resume: Bool) throws {
    var g = RandomGenerator(seed: 1)
    let model = Architectures.denseVector(inputSize: 4, hidden: [2], generator: &g)
    let trainer = Trainer(model: model, optimizer: Adam())
    var options = TrainingOptions(epochs: epochs, batchSize: 4, earlyStoppingPatience: 5)
    options.checkpointDirectory = directory
    options.checkpointEvery = resume ? nil : 1
    options.resume = resume
    var generator = RandomGenerator(seed: 2)
    _ = try trainer.fit(inputs: rows, targets: rows, validation: (rows, rows), options: options, generator: &generator) { x, y in
        meanSquaredError(model(x), y)
    }
}

let checkpoint: URL = {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("latent-fuzz-checkpoint-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try! train(epochs: 2, checkpointTo: dir, resume: false)
    if let seeds = ProcessInfo.processInfo.environment["LATENT_FUZZ_SEEDS"].map({ URL(fileURLWithPath: $0) }) {
        try! FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        try! Data(contentsOf: dir.appendingPathComponent("trainer.json"))
            .write(to: seeds.appendingPathComponent("trainer.json"))
    }
    atexit { try? FileManager.default.removeItem(at: checkpoint) }
    return dir
}()

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    blackHole(checkpoint)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    try! Data(bytes(data, size)).write(to: checkpoint.appendingPathComponent("trainer.json"))
    // A refusal must be TrainingError.invalidCheckpoint naming the checkpoint. A checkpoint
    // that is accepted may still make the loss diverge (its random streams are arbitrary
    // bits, not its weights, so that is unlikely): nonFiniteLoss is a clean refusal too.
    refusalMustBeClear(
        file: checkpoint.path,
        accepted: {
            if case TrainingError.invalidCheckpoint = $0 { return true }
            return false
        }
    ) {
        try train(epochs: 3, checkpointTo: checkpoint, resume: true)
    }
    return 0
}
