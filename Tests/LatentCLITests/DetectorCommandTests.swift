import Foundation
import Latent
import XCTest

/// `latent detector fit | score | evaluate` as a new user meets them: a CSV with a header
/// and text labels, a UCR-style TSV, streaming, and every kind of bad input.
final class DetectorCommandTests: XCTestCase {
    /// A table like a new user's: 8 measurements, a text label column in the middle.
    private func cellsCSV(rows: Int = 160, seed: Int = 0, badLine: String? = nil) -> String {
        var text = "id_a,id_b,id_c,id_d,diagnosis,id_e,id_f,id_g,id_h\n"
        for i in 0..<rows {
            let anomalous = i % 5 == 4
            let t = Double((i * 37 + seed * 11) % 100) / 100
            var values = (0..<8).map { j in 10 * (1 + sin(Double(j) + 6 * t)) + Double(j) }
            if anomalous { values[2] += 30 }
            let cells = values.map { String(format: "%.4f", $0) }
            text +=
                (cells[0..<4] + [anomalous ? "malignant" : "benign"] + cells[4...]).joined(
                    separator: ",") + "\n"
            if i == 2, let badLine { text += badLine + "\n" }
        }
        return text
    }

    private func fitCells(_ dir: URL, extra: [String] = []) throws -> URL {
        let data = dir.appendingPathComponent("cells.csv")
        try cellsCSV().write(to: data, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("det")
        let result = try latent(
            [
                "detector", "fit", "--data", data.path, "--out", out.path,
                "--label-column", "diagnosis", "--normal-label", "benign",
                "--epochs", "80", "--threshold", "fpr:0.1", "--quiet",
            ] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return out
    }

    func testHelpListsTheFixedFlags() throws {
        let group = try latent(["detector", "--help"])
        for name in ["fit", "score", "evaluate"] {
            XCTAssertTrue(group.stdout.contains(name), name)
        }
        let fit = try latent(["detector", "fit", "--help"]).stdout
        for flag in [
            "--data", "--out", "--format", "--label-column", "--normal-label", "--header",
            "--no-header",
            "--model", "--hidden", "--loss", "--epochs", "--batch-size", "--seed", "--threshold",
            "--validation-fraction", "mean-std:K", "fpr:ALPHA", "youden",
        ] {
            XCTAssertTrue(fit.contains(flag), flag)
        }
        let score = try latent(["detector", "score", "--help"]).stdout
        for flag in [
            "--input", "--output", "--format", "--header", "--output-format", "--explain",
            "--strict",
        ] {
            XCTAssertTrue(score.contains(flag), flag)
        }
        let evaluate = try latent(["detector", "evaluate", "--help"]).stdout
        for flag in ["--data", "--label-column", "--normal-label", "--format", "--header", "--out"] {
            XCTAssertTrue(evaluate.contains(flag), flag)
        }
    }

    func testFitScoreEvaluateOnATableWithTextLabels() throws {
        let dir = try temporaryDirectory(self)
        let data = dir.appendingPathComponent("cells.csv")
        let det = try fitCells(dir)
        for file in [
            "detector.json", "model.json", "model.safetensors", "calibration.json", "report.html",
        ] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: det.appendingPathComponent(file).path), file)
        }

        // The label column is recognised by the training file's layout and skipped.
        let scored = try latent([
            "detector", "score", det.path, "--input", data.path, "--explain", "2",
        ])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let lines = scored.stdout.split(separator: "\n")
        XCTAssertEqual(
            lines.first, "index,score,threshold,anomaly,p_value,feature_1,error_1,feature_2,error_2"
        )
        XCTAssertEqual(lines.count, 161)
        XCTAssertTrue(scored.stderr.contains("header row (detected"), scored.stderr)
        // Anomalies (every 5th row) have a bump on id_c: explanations name the column.
        guard lines.count > 5 else { return XCTFail("too few lines: \(scored.stdout)") }
        let fifth = lines[5].split(separator: ",")
        XCTAssertEqual(fifth[3], "true", String(lines[5]))
        XCTAssertEqual(fifth[5], "id_c", String(lines[5]))

        let evaluation = dir.appendingPathComponent("eval")
        let evaluated = try latent([
            "detector", "evaluate", det.path, "--data", data.path, "--label-column", "diagnosis",
            "--normal-label", "benign", "--out", evaluation.path,
        ])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: evaluation.appendingPathComponent("metrics.json")))
            as! [String: Any]
        for key in [
            "auroc", "average_precision", "accuracy", "precision", "recall", "f1",
            "confusion_matrix", "false_positive_rate",
        ] {
            XCTAssertNotNil(metrics[key], key)
        }
        XCTAssertGreaterThan(metrics["auroc"] as! Double, 0.9)
        for file in ["roc.svg", "precision-recall.svg", "score-histogram.svg", "report.html"] {
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: evaluation.appendingPathComponent(file).path), file)
        }
    }

    func testStreamingWritesErrorRecordsAndGoesOn() throws {
        let dir = try temporaryDirectory(self)
        let det = try fitCells(dir)
        let rows = cellsCSV(rows: 6, badLine: "1,2,3,oops,benign,5,6,7,8")
        let result = try latent(
            ["detector", "score", det.path, "--input", "-", "--output-format", "ndjson"],
            input: Data(rows.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let records = result.stdout.split(separator: "\n")
        XCTAssertEqual(records.count, 7)
        XCTAssertTrue(records[3].contains("\"line\":5"), String(records[3]))
        XCTAssertTrue(
            records[3].contains("column 4 (\\\"id_d\\\"): cell \\\"oops\\\" is not a number"),
            String(records[3]))
        XCTAssertTrue(records[6].hasPrefix("{\"index\":6,\"score\":"), String(records[6]))

        let strict = try latent(
            ["detector", "score", det.path, "--input", "-", "--strict"], input: Data(rows.utf8))
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.stderr.contains("standard input, line 5"), strict.stderr)
    }

    func testUCRStyleTSVNeedsNoLabelFlagBeyondTheNormalClass() throws {
        let dir = try temporaryDirectory(self)
        var text = ""
        for i in 0..<120 {
            let label = i % 4 == 3 ? 2 : 1
            let t = Double(i % 17) / 17
            text +=
                "\(label)\t"
                + (0..<12).map { j in
                    String(format: "%.5f", sin(Double(j) / 2 + t) + (label == 2 ? 1.5 : 0))
                }
                .joined(separator: "\t") + "\n"
        }
        let data = dir.appendingPathComponent("Toy_TRAIN.tsv")
        try text.write(to: data, atomically: true, encoding: .utf8)
        let det = dir.appendingPathComponent("det")
        let fit = try latent([
            "detector", "fit", "--data", data.path, "--out", det.path, "--normal-label", "1",
            "--epochs", "10", "--threshold", "mean-std:1",
        ])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssertTrue(fit.stderr.contains("labels in column 0"), fit.stderr)
        let evaluate = try latent([
            "detector", "evaluate", det.path, "--data", data.path, "--normal-label", "1",
        ])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        XCTAssertTrue(evaluate.stdout.contains("auroc:"), evaluate.stdout)
    }

    func testBadTrainingFilesNameFileLineAndColumn() throws {
        let dir = try temporaryDirectory(self)
        let cases: [(String, String, [String])] = [
            ("empty.csv", "", ["empty.csv", "empty"]),
            ("fields.csv", "1,2,3\n4,5,6\n7,8\n", ["fields.csv", "line 3", "2 fields"]),
            (
                "text.csv", "1,2,3\n4,x5,6\n",
                ["text.csv", "line 2, column 2", "\"x5\" is not a number"]
            ),
            (
                "nan.csv", "1,2,3\n4,5,nan\n",
                ["nan.csv", "line 2, column 3", "not a finite number"]
            ),
        ]
        for (name, contents, fragments) in cases {
            let url = dir.appendingPathComponent(name)
            try contents.write(to: url, atomically: true, encoding: .utf8)
            let result = try latent([
                "detector", "fit", "--data", url.path, "--out",
                dir.appendingPathComponent("d-\(name)").path,
            ])
            XCTAssertNotEqual(result.status, 0, name)
            for fragment in fragments {
                XCTAssertTrue(
                    result.stderr.contains(fragment), "\(name): \(fragment) in \(result.stderr)")
            }
            XCTAssertFalse(
                FileManager.default.fileExists(
                    atPath: dir.appendingPathComponent("d-\(name)").path), "nothing half-written")
        }
        let unknown = try latent([
            "detector", "fit", "--data", "x.csv", "--out", "d", "--threshold", "fpr:2",
        ])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("fpr ALPHA"), unknown.stderr)
    }

    /// An array holding a NaN is refused as a CSV cell is (it would score as NaN and never
    /// be flagged), in the command line's words; --skip-non-finite scores the other rows.
    func testScoringAnArrayWithNaNIsRefusedOrSkipsTheRow() throws {
        let dir = try temporaryDirectory(self)
        let det = try fitCells(dir)
        let rows = dir.appendingPathComponent("rows.npy")
        var values = (0..<24).map { Float($0 % 7) }
        values[8 + 5] = .nan
        try NPYFile.write(Tensor(shape: [3, 8], scalars: values), to: rows)
        let out = dir.appendingPathComponent("scores.csv")
        let refused = try latent(["detector", "score", det.path, "--input", rows.path, "--output", out.path])
        XCTAssertNotEqual(refused.status, 0)
        for fragment in ["rows.npy: row 1, value 5 of the row is nan", "give --skip-non-finite"] {
            XCTAssertTrue(refused.stderr.contains(fragment), refused.stderr)
        }
        let skipped = try latent([
            "detector", "score", det.path, "--input", rows.path, "--output", out.path, "--skip-non-finite",
        ])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stderr.contains("skipped 1 rows with NaN"), skipped.stderr)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "header and two rows: \(lines)")
        XCTAssertFalse(lines.contains { $0.contains("nan") }, "\(lines)")
    }

    func testScoringTheWrongWidthAndBrokenDirectoriesFail() throws {
        let dir = try temporaryDirectory(self)
        let det = try fitCells(dir)
        let narrow = dir.appendingPathComponent("narrow.csv")
        try "1,2,3\n4,5,6\n".write(to: narrow, atomically: true, encoding: .utf8)
        let wrong = try latent(["detector", "score", det.path, "--input", narrow.path])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("narrow.csv"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("fitted on 8"), wrong.stderr)

        let manifest = det.appendingPathComponent("detector.json")
        var json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as! [String: Any]
        json["format_version"] = 99
        try JSONSerialization.data(withJSONObject: json).write(to: manifest)
        let newer = try latent(["detector", "score", det.path, "--input", narrow.path])
        XCTAssertNotEqual(newer.status, 0)
        XCTAssertTrue(newer.stderr.contains("detector.json"), newer.stderr)
        XCTAssertTrue(newer.stderr.contains("format version 99"), newer.stderr)

        try FileManager.default.removeItem(at: manifest)
        let missing = try latent([
            "detector", "evaluate", det.path, "--data", narrow.path, "--normal-label", "1",
        ])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("detector.json"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("missing"), missing.stderr)
    }
}
