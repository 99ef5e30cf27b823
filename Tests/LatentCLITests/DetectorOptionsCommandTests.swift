import Foundation
import Latent
import XCTest

/// The detector's options as a user types them, each proven to take effect: the model
/// kind, widths and loss reach the saved model; npy and idx input give the same detector
/// as the same numbers in CSV; `score --output` writes what standard output would.
final class DetectorOptionsCommandTests: XCTestCase {
    /// 200 smooth rows of 12 features, as CSV, and the same values as a Tensor.
    func rows(_ directory: URL) throws -> (csv: URL, values: Tensor) {
        var text = ""
        var values: [Float] = []
        for i in 0..<200 {
            let row = (0..<12).map { j in Float(String(format: "%.4f", sin(Double(j) * 0.5 + Double(i) * 0.1)))! }
            values += row
            text += row.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        let url = directory.appendingPathComponent("rows.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, Tensor(shape: [200, 12], scalars: values))
    }

    func fit(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try latent(["detector", "fit", "--epochs", "3", "--quiet"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
    }

    func testHiddenWidthsAndLossReachTheModel() throws {
        let dir = try temporaryDirectory(self)
        let (csv, values) = try rows(dir)
        let mse = dir.appendingPathComponent("mse")
        let mae = dir.appendingPathComponent("mae")
        try fit(["--data", csv.path, "--out", mse.path, "--hidden", "10,5", "--loss", "mse"])
        try fit(["--data", csv.path, "--out", mae.path, "--hidden", "10,5", "--loss", "mae"])
        let detector = try AnomalyDetector.load(from: mse)
        XCTAssertEqual(detector.configuration.loss, .mse)
        XCTAssertEqual(try AnomalyDetector.load(from: mae).configuration.loss, .mae)
        // Encoder 12 → 10 → 5, decoder 5 → 10 → 12: the weights' shapes, in order.
        let shapes = try XCTUnwrap(detector.model).namedParameters().map(\.parameter.wrappedValue.shape).filter {
            $0.count == 2
        }
        XCTAssertEqual(shapes, [[12, 10], [10, 5], [5, 10], [10, 12]])
        // MSE scores are mean squared errors of the reconstruction: with the same weights,
        // the two losses would still differ; here the scores must follow the chosen loss.
        let scores = try detector.score(values)
        let reconstruction = try detector.reconstruct(values)
        let scaled = detector.scaler.transform(values)
        for row in [0, 77, 199] {
            var sum = 0.0
            for j in 0..<12 {
                let d = Double(reconstruction[row, j] - scaled[row, j])
                sum += d * d
            }
            XCTAssertEqual(Double(scores[row]), sum / 12, accuracy: 1e-5 * (1 + sum / 12))
        }
    }

    func testVAEAndConvModelsFitAndScoreThroughTheCLI() throws {
        let dir = try temporaryDirectory(self)
        let (csv, _) = try rows(dir)
        let vae = dir.appendingPathComponent("vae")
        try fit(["--data", csv.path, "--out", vae.path, "--model", "vae"])
        XCTAssertTrue(try AnomalyDetector.load(from: vae).model is VariationalAutoencoder)
        let vaeScores = try latent(["detector", "score", vae.path, "--input", csv.path])
        XCTAssertEqual(vaeScores.status, 0, vaeScores.stderr)
        XCTAssertEqual(vaeScores.stdout.split(separator: "\n").count, 201)

        // 8×8 images with one bright pixel each, as a .npy file of shape [120, 8, 8].
        var pixels = [Float](repeating: 0, count: 120 * 64)
        for i in 0..<120 { pixels[i * 64 + (i * 7) % 64] = 1 }
        let images = dir.appendingPathComponent("images.npy")
        try NPYFile.write(Tensor(shape: [120, 8, 8], scalars: pixels), to: images)
        let conv = dir.appendingPathComponent("conv")
        try fit(["--data", images.path, "--out", conv.path, "--model", "conv", "--hidden", "4,4"])
        let detector = try AnomalyDetector.load(from: conv)
        XCTAssertEqual(detector.configuration.model, .conv)
        XCTAssertEqual(detector.schema.exampleShape, [8, 8, 1])
        let convScores = try latent(["detector", "score", conv.path, "--input", images.path])
        XCTAssertEqual(convScores.status, 0, convScores.stderr)
        XCTAssertEqual(convScores.stdout.split(separator: "\n").count, 121)
    }

    /// The same numbers as CSV, .npy and IDX (forced with --format, whatever the file is
    /// called) give the same detector, bit for bit.
    func testNPYAndIDXInputGiveTheSameDetectorAsCSV() throws {
        let dir = try temporaryDirectory(self)
        let (csv, values) = try rows(dir)
        let npy = dir.appendingPathComponent("rows.data")
        try NPYFile.write(values, to: npy)
        let idx = dir.appendingPathComponent("rows.bin")
        let bytes = values.scalars.flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) }
        try IDXFile.write(IDXArray(dataType: .float32, dimensions: [200, 12], bytes: bytes), to: idx)
        var thresholds: [Float] = []
        for (input, format) in [(csv, "csv"), (npy, "npy"), (idx, "idx")] {
            let out = dir.appendingPathComponent("det-\(format)")
            try fit(["--data", input.path, "--format", format, "--out", out.path])
            thresholds.append(try AnomalyDetector.load(from: out).threshold)
        }
        XCTAssertEqual(thresholds[0].bitPattern, thresholds[1].bitPattern)
        XCTAssertEqual(thresholds[0].bitPattern, thresholds[2].bitPattern)
        // A forced format that does not match the bytes is an error naming the file.
        let wrong = try latent([
            "detector", "fit", "--data", csv.path, "--format", "npy", "--out", dir.appendingPathComponent("x").path,
        ])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("rows.csv"), wrong.stderr)
    }

    func testScoreOutputFileHoldsWhatStandardOutputWould() throws {
        let dir = try temporaryDirectory(self)
        let (csv, _) = try rows(dir)
        let det = dir.appendingPathComponent("det")
        try fit(["--data", csv.path, "--out", det.path])
        let printed = try latent(["detector", "score", det.path, "--input", csv.path])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        let file = dir.appendingPathComponent("scores.csv")
        let written = try latent(["detector", "score", det.path, "--input", csv.path, "--output", file.path])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), printed.stdout)
        XCTAssertFalse(written.stdout.contains("index,score"), "the records go to the file only")
    }

    /// 20,000 rows (1.4 MB) through `score --input -`: the scorer answers while it reads,
    /// so input and output pipes are both full at once (the test helper must feed one and
    /// drain the other concurrently, or both sides wait forever).
    func testLargeStandardInputStreamsThrough() throws {
        let dir = try temporaryDirectory(self)
        let (csv, _) = try rows(dir)
        let det = dir.appendingPathComponent("det")
        try fit(["--data", csv.path, "--out", det.path])
        let block = try String(contentsOf: csv, encoding: .utf8)
        let input = String(repeating: block, count: 100)
        let result = try latent(["detector", "score", det.path, "--input", "-"], input: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 20_001)
    }

    func testBenchReportsEveryFigure() throws {
        let dir = try temporaryDirectory(self)
        let json = dir.appendingPathComponent("bench.json")
        let result = try latent(["bench", "--workload", "ecg-ae", "--epochs", "1", "--json", json.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("ecg-ae"), result.stdout)
        let text = try String(contentsOf: json, encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let rows = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["workloads"] as? [[String: Any]]) ?? []
        XCTAssertEqual(rows.count, 1, text)
        let numbers = rows.first?.values.compactMap { $0 as? Double } ?? []
        XCTAssertFalse(numbers.isEmpty, text)
        XCTAssertTrue(numbers.allSatisfy { $0.isFinite && $0 >= 0 }, text)
        XCTAssertTrue(numbers.contains { $0 > 100 }, "samples per second: \(text)")
    }
}
