import Foundation
import Latent
import XCTest

/// A run killed with SIGKILL and resumed ends with the same weights as a run that was
/// never interrupted.
final class ResumeTests: XCTestCase {
    func weights(_ directory: URL) throws -> [String: [UInt32]] {
        try SafeTensors.read(contentsOf: directory.appendingPathComponent("model.safetensors")).tensors
            .mapValues { $0.scalars.map(\.bitPattern) }
    }

    /// Runs `latent arguments` and SIGKILLs it as soon as `marker` exists; fails unless
    /// the kill landed while it was still running.
    func killWhenPresent(
        _ arguments: [String], marker: URL, within seconds: TimeInterval,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("latent")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while !FileManager.default.fileExists(atPath: marker.path) && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(
            process.terminationReason, .uncaughtSignal, "the run must really have been killed mid-training",
            file: file, line: line)
    }

    func testKilledRunResumesToTheSameWeights() throws {
        let root = try temporaryDirectory(self)
        let reference = root.appendingPathComponent("reference")
        let interrupted = root.appendingPathComponent("interrupted")
        let common = ["example", "ecg-anomaly", "--quick", "--quiet", "--epochs", "12", "--seed", "4"]
        XCTAssertEqual(try latent(common + ["--out", reference.path]).status, 0)

        try killWhenPresent(
            common + ["--out", interrupted.path, "--checkpoint-every", "1"],
            marker: interrupted.appendingPathComponent("checkpoints/autoencoder/trainer.json"), within: 60)
        XCTAssertFalse(FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("metrics.json").path))

        let resumed = try latent(common + ["--resume", interrupted.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try weights(interrupted), try weights(reference))
    }

    /// mnist-latent trains three models in turn: killed while the second trains (the first
    /// finished, its files written), the resumed run skips nothing and redoes nothing, and
    /// all three end with the uninterrupted run's weights.
    func testKilledMultiModelLessonResumesEveryModel() throws {
        let data = try sharedDatasets()
        let root = try temporaryDirectory(self)
        let reference = root.appendingPathComponent("reference")
        let interrupted = root.appendingPathComponent("interrupted")
        let common = [
            "example", "mnist-latent", "--quick", "--quiet", "--epochs", "2", "--seed", "4", "--data-dir", data.path,
        ]
        XCTAssertEqual(try latent(common + ["--out", reference.path]).status, 0)

        // The second model's first checkpoint: the first model is finished, the third not begun.
        try killWhenPresent(
            common + ["--out", interrupted.path, "--checkpoint-every", "1"],
            marker: interrupted.appendingPathComponent("checkpoints/l2_code/trainer.json"), within: 300)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("vae.safetensors").path))

        let resumed = try latent(common + ["--resume", interrupted.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        for model in ["autoencoder", "l2_code", "vae"] {
            func weights(_ directory: URL) throws -> [String: [UInt32]] {
                try SafeTensors.read(contentsOf: directory.appendingPathComponent("\(model).safetensors")).tensors
                    .mapValues { $0.scalars.map(\.bitPattern) }
            }
            XCTAssertEqual(try weights(interrupted), try weights(reference), model)
        }
    }

    func testResumeWithoutCheckpointsIsAClearError() throws {
        let empty = try temporaryDirectory(self)
        let result = try latent(["example", "ecg-anomaly", "--resume", empty.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("checkpoints"), result.stderr)
    }
}
