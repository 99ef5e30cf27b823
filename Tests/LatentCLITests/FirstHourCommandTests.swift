import Foundation
import XCTest

/// A newcomer's first hour with `latent detector`: each mistake that used to go through
/// silently, run through the command line, must be caught with a message that names the
/// flag that fixes it.
final class FirstHourCommandTests: XCTestCase {
    /// `rows` rows of 6 smooth features and a 0/1 label (1 = normal) at `labelAt`.
    private func table(
        rows: Int = 120, labelAt: Int = 6, separator: String = ",", phase: Double = 0
    )
        -> String
    {
        (0..<rows).map { (i: Int) -> String in
            let anomalous = i % 6 == 5
            var cells = (0..<6).map { j -> String in
                let v = sin(Double(i * 7 + j) * 0.3 + phase) + (anomalous && j == 2 ? 3 : 0)
                return String(format: "%.4f", v)
            }
            cells.insert(anomalous ? "0" : "1", at: labelAt)
            return cells.joined(separator: separator)
        }.joined(separator: "\n") + "\n"
    }

    private func file(_ dir: URL, _ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private let quick = ["--epochs", "3", "--threshold", "fpr:0.1"]

    func testForgottenLabelIsRefusedUntilConfirmed() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "ecg.csv", table())
        let out = dir.appendingPathComponent("det")
        let refused = try latent(["detector", "fit", "--data", data.path, "--out", out.path] + quick)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        for words in ["column 6 (the last)", "--label-column last --normal-label", "--label-column none"] {
            XCTAssertTrue(refused.stderr.contains(words), refused.stderr)
        }
        XCTAssertFalse(refused.stderr.contains("USAGE"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))

        let confirmed = try latent(
            ["detector", "fit", "--data", data.path, "--out", out.path, "--label-column", "none"] + quick)
        XCTAssertEqual(confirmed.status, 0, confirmed.stderr)
    }

    func testLabelColumnFirstLastAndNegative() throws {
        let dir = try temporaryDirectory(self)
        let last = try file(dir, "last.csv", table())
        let first = try file(dir, "first.csv", table(labelAt: 0))
        for (data, column) in [(last, "last"), (last, "-1"), (first, "first")] {
            let out = dir.appendingPathComponent("det-\(column)")
            let result = try latent(
                [
                    "detector", "fit", "--data", data.path, "--out", out.path, "--label-column=\(column)",
                    "--normal-label", "1",
                ] + quick)
            XCTAssertEqual(result.status, 0, "\(column): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("Normal rows (label 1): 100 of 120"), result.stderr)
        }
    }

    func testTabSeparatedFileIsDetectedOrNamed() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "tabs.csv", table(separator: "\t"))
        let out = dir.appendingPathComponent("det")
        let detected = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", out.path, "--label-column", "last",
                "--normal-label", "1",
            ] + quick)
        XCTAssertEqual(detected.status, 0, detected.stderr)
        XCTAssertTrue(detected.stderr.contains("120 rows × 6 features"), detected.stderr)

        let forced = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", out.path, "--format", "csv",
                "--label-column", "last", "--normal-label", "1",
            ] + quick)
        XCTAssertEqual(forced.status, 1, forced.stderr)
        XCTAssertTrue(forced.stderr.contains("looks tab-separated"), forced.stderr)
        XCTAssertTrue(forced.stderr.contains("Use --format tsv"), forced.stderr)
        XCTAssertLessThan(forced.stderr.utf8.count, 600, forced.stderr)
    }

    func testEvaluateOnTheTrainingFileWarnsAndReusesTheNormalLabel() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        let out = dir.appendingPathComponent("det")
        let fit = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", out.path, "--label-column", "last",
                "--normal-label", "1", "--quiet",
            ] + quick)
        XCTAssertEqual(fit.status, 0, fit.stderr)

        let inSample = try latent(["detector", "evaluate", out.path, "--data", data.path])
        XCTAssertEqual(inSample.status, 0, inSample.stderr)
        XCTAssertTrue(inSample.stderr.contains("using 1, the label fit took as normal"), inSample.stderr)
        XCTAssertTrue(inSample.stderr.contains("100 of the 100 normal rows were used to fit"), inSample.stderr)
        XCTAssertTrue(
            inSample.stdout.contains("false_positive_rate_unseen: undefined (0 unseen normal rows"), inSample.stdout)
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("evaluation/metrics.json"))) as! [String: Any]
        XCTAssertEqual(metrics["rows_fitted_on"] as? Int, 100)
        XCTAssertEqual(metrics["unseen_normal_rows"] as? Int, 0)
        let page = try String(
            contentsOf: out.appendingPathComponent("evaluation/report.html"), encoding: .utf8)
        XCTAssertTrue(
            page.contains("<p class=\"warning\" role=\"alert\">100 of the 100 normal rows were used to fit"), page)

        // New rows: no warning, every normal row unseen.
        let test = try file(dir, "test.csv", table(rows: 60, phase: 0.123))
        let outOfSample = try latent(
            ["detector", "evaluate", out.path, "--data", test.path, "--out", dir.appendingPathComponent("eval2").path])
        XCTAssertEqual(outOfSample.status, 0, outOfSample.stderr)
        XCTAssertFalse(outOfSample.stderr.contains("Warning"), outOfSample.stderr)
        XCTAssertTrue(outOfSample.stdout.contains("false_positive_rate: "), outOfSample.stdout)
    }

    func testALessonRunIsNotADetector() throws {
        let dir = try temporaryDirectory(self)
        let run = dir.appendingPathComponent("ecg-anomaly-20261206-040000")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try #"{"lesson": "ecg-anomaly", "auroc": 0.98}"#.write(
            to: run.appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
        let data = try file(dir, "rows.csv", table(rows: 10))
        let result = try latent(["detector", "score", run.path, "--input", data.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("output of the lesson ecg-anomaly, not a detector"), result.stderr)
        XCTAssertTrue(result.stderr.contains("latent detector fit --data"), result.stderr)
    }

    func testWriteErrorsAreOneLineWithStatusOne() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        let out = dir.appendingPathComponent("det")
        XCTAssertEqual(
            try latent(
                [
                    "detector", "fit", "--data", data.path, "--out", out.path, "--label-column",
                    "last", "--normal-label", "1", "--quiet",
                ] + quick
            ).status, 0)
        let missing = dir.appendingPathComponent("no/such/folder/scores.csv").path
        let score = try latent(["detector", "score", out.path, "--input", data.path, "--output", missing])
        XCTAssertEqual(score.status, 1, score.stderr)
        XCTAssertFalse(score.stderr.contains("USAGE"), score.stderr)
        XCTAssertEqual(score.stderr.split(separator: "\n").count, 1, score.stderr)
        XCTAssertTrue(score.stderr.contains("Cannot write"), score.stderr)
    }

    func testQuietFitPrintsOnlyTheResult() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        let result = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", dir.appendingPathComponent("det").path,
                "--label-column", "last", "--normal-label", "1", "--quiet",
            ] + quick)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix("Detector: "), result.stdout)
    }

    func testFitShowsThePlanBeforeThinnedProgressLines() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        let result = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", dir.appendingPathComponent("det").path,
                "--label-column", "last", "--normal-label", "1", "--epochs", "100", "--threshold", "fpr:0.1",
            ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let err = result.stderr
        let plan = try XCTUnwrap(err.range(of: "Plan: dense autoencoder"), err)
        let first = try XCTUnwrap(err.range(of: "Epoch 1/100"), err)
        XCTAssertLessThan(plan.lowerBound, first.lowerBound)
        let epochLines = err.split(separator: "\n").filter { $0.contains("Epoch ") }
        XCTAssertLessThanOrEqual(epochLines.count, 25, err)
        XCTAssertTrue(epochLines.last!.contains("elapsed"), err)
        XCTAssertFalse(err.contains("\r"), "no carriage returns in a pipe")
    }

    func testFitDrawsABarOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("no /usr/bin/script to give the command a pseudo-terminal")
        }
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        let binary = productsDirectory.appendingPathComponent("latent").path
        let command = [
            binary, "detector", "fit", "--data", data.path, "--out",
            dir.appendingPathComponent("det").path, "--label-column", "last",
            "--normal-label", "1", "--epochs", "60", "--threshold", "fpr:0.1",
        ]
        .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("\r"), text)
        XCTAssertTrue(text.contains("━"), text)
        XCTAssertTrue(text.contains("ETA"), text)
        XCTAssertTrue(text.contains("val_loss"), text)
    }

    func testScoreFileWithAnExtraColumnNamesTheFlag() throws {
        let dir = try temporaryDirectory(self)
        let features = (0..<120).map { (i: Int) -> String in
            let cells: [String] = (0..<6).map { (j: Int) -> String in
                String(format: "%.4f", sin(Double(i * 7 + j) * 0.3))
            }
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        let data = try file(dir, "plain.csv", features)
        let out = dir.appendingPathComponent("det")
        XCTAssertEqual(
            try latent(["detector", "fit", "--data", data.path, "--out", out.path, "--quiet"] + quick).status, 0)
        let labelled = try file(dir, "labelled.csv", table(rows: 20))
        let result = try latent(["detector", "score", out.path, "--input", labelled.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("one more than the 6 features"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--label-column first, last"), result.stderr)
        let fixed = try latent(["detector", "score", out.path, "--input", labelled.path, "--label-column", "last"])
        XCTAssertEqual(fixed.status, 0, fixed.stderr)
    }

    func testFitSaysWhenTheEpochCapStoppedAFallingLoss() throws {
        let dir = try temporaryDirectory(self)
        let data = try file(dir, "train.csv", table())
        // Five epochs of a fresh model: the early-stopping loss is still falling at the cap.
        let result = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", dir.appendingPathComponent("det").path,
                "--label-column", "last", "--normal-label", "1", "--epochs", "5", "--threshold", "fpr:0.1",
            ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("Training ended after epoch 5"), result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "stopped at its epoch cap (5 epochs) while the early-stopping loss was still falling"),
            result.stderr)
        XCTAssertTrue(result.stderr.contains("--epochs 10"), result.stderr)
    }

    func testLessonProgressLinesNameTheirModel() throws {
        let out = try temporaryDirectory(self).appendingPathComponent("run")
        let result = try latent(["demo", "--quick", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("autoencoder  Epoch 1/") == true, result.stderr)
        for line in lines where line.contains("Epoch ") {
            XCTAssertTrue(line.hasPrefix("autoencoder  Epoch "), String(line))
            XCTAssertNotNil(line.range(of: #"loss \d\.\d{3}"#, options: .regularExpression), String(line))
        }
    }

    func testAManyValuedEdgeColumnOnlyWarns() throws {
        let dir = try temporaryDirectory(self)
        // A last column of -1/0/1 codes (as Cardiotocography's last feature): maybe a label,
        // maybe a categorical feature; fit goes on and says how to choose.
        let rows = (0..<120).map { (i: Int) -> String in
            let cells: [String] = (0..<6).map { (j: Int) -> String in
                String(format: "%.4f", sin(Double(i * 7 + j) * 0.3))
            }
            return cells.joined(separator: ",") + ",\(i % 3 - 1)"
        }
        let data = try file(dir, "codes.csv", rows.joined(separator: "\n"))
        let result = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", dir.appendingPathComponent("det").path,
                "--quiet",
            ] + quick)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("Warning: column 6 (the last) holds only 3 distinct"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--label-column last --normal-label=-1 "), result.stderr)
        XCTAssertTrue(result.stderr.contains("--label-column none"), result.stderr)
    }
}
