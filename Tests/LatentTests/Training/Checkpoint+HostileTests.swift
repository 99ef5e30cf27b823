import Foundation
import XCTest

@testable import Latent

/// `trainer.json` files found with the checkpoint fuzz target (Fuzz/Targets/Checkpoint.swift):
/// each replaces the trainer.json of a real checkpoint of the target's model, and resuming
/// must refuse it with the file named instead of trapping or training for ever.
final class CheckpointHostileTests: XCTestCase {
    /// The fuzz target's run: a 4→2→4 autoencoder, Adam, early stopping, 8 rows.
    func train(epochs: Int, directory: URL, resume: Bool) throws {
        var g = RandomGenerator(seed: 1)
        let model = Architectures.denseVector(inputSize: 4, hidden: [2], generator: &g)
        let trainer = Trainer(model: model, optimizer: Adam())
        var options = TrainingOptions(epochs: epochs, batchSize: 4, earlyStoppingPatience: 5, progress: .silent)
        options.checkpointDirectory = directory
        options.checkpointEvery = resume ? nil : 1
        options.resume = resume
        var rows = RandomGenerator(seed: 3)
        let x = Tensor.randomNormal([8, 4], using: &rows)
        var generator = RandomGenerator(seed: 2)
        _ = try trainer.fit(inputs: x, targets: x, validation: (x, x), options: options, generator: &generator) {
            a, b in
            meanSquaredError(model(a), b)
        }
    }

    func assertRefused(_ fixture: String, _ message: String, line: UInt = #line) throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("checkpoint")
        try train(epochs: 2, directory: directory, resume: false)
        let trainer = directory.appendingPathComponent("trainer.json")
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/fuzz/\(fixture)", withExtension: "json"))
        try FileManager.default.removeItem(at: trainer)
        try FileManager.default.copyItem(at: url, to: trainer)
        XCTAssertThrowsError(try train(epochs: 3, directory: directory, resume: true), line: line) { error in
            guard case TrainingError.invalidCheckpoint = error else { return XCTFail("\(error)", line: line) }
            XCTAssertTrue("\(error)".contains(trainer.path), "\(error)", line: line)
            XCTAssertTrue("\(error)".contains(message), "\(error)", line: line)
        }
    }

    func testEpochIntMaxIsRefused() throws {
        // Trapped on `checkpoint.epoch + 1` (arithmetic overflow) before the fix.
        try assertRefused(
            "checkpoint-epoch-overflow", "records epoch 9223372036854775807 but holds 2 epochs of history")
    }

    func testNegativeEpochIsRefused() throws {
        // Trained from epoch -999999999 to 3: a libFuzzer timeout before the fix.
        try assertRefused("checkpoint-negative-epoch", "records epoch -1000000000 but holds 2 epochs of history")
    }

    func testBestEpochOutsideTheRunIsRefused() throws {
        // `epoch - bestEpoch` overflows for Int.min once the validation loss stalls.
        try assertRefused("checkpoint-best-epoch-min", "records best epoch -9223372036854775808, outside the 2 epochs")
    }
}
