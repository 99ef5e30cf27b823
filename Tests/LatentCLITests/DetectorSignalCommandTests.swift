import Foundation
import XCTest

/// `latent detector fit --signal`, `score` and `evaluate` on long signals: a synthetic
/// one-column .gz file, streaming against whole-file scoring, and real UCR / SKAB files.
final class DetectorSignalCommandTests: XCTestCase {
    /// A one-column headerless series: a wave of period 40 whose rows 4410–4449 run at
    /// double frequency.
    private func waveText(rows: Int = 6000) -> String {
        var state: UInt64 = 1
        var text = ""
        for t in 0..<rows {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 11) / Double(1 << 53) * 0.1 - 0.05
            var phase = 2 * Double.pi * Double(t) / 40
            if (4410..<4450).contains(t) { phase *= 2 }
            text += String(format: "%.5f\n", sin(phase) + 0.4 * sin(2 * phase + 0.3) + noise)
        }
        return text
    }

    private func writeGzip(_ text: String, to url: URL) throws {
        let plain = url.deletingPathExtension()
        try text.write(to: plain, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-f", plain.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testFitScoreStreamEvaluateOnAGzippedOneColumnSignal() throws {
        let dir = try temporaryDirectory(self)
        let data = dir.appendingPathComponent("wave.txt.gz")
        try writeGzip(waveText(), to: data)
        let det = dir.appendingPathComponent("det")
        let fit = try latent([
            "detector", "fit", "--data", data.path, "--signal", "--train-rows", "3000",
            "--out", det.path, "--quiet",
        ])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssertTrue(fit.stdout.contains("Window 40 rows: highest autocorrelation peak"), fit.stdout)
        let manifest = try String(contentsOf: det.appendingPathComponent("detector.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"method\" : \"highest autocorrelation peak"), manifest)

        // Whole file, then the same rows through standard input: identical records.
        let whole = try latent(["detector", "score", det.path, "--input", data.path, "--from-row", "3000"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let lines = whole.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "index,score,threshold,anomaly,p_value")
        XCTAssertEqual(lines.count, 1 + 3000)
        XCTAssertTrue(lines[1].hasPrefix("3000,"))
        let streamed = try latent(
            ["detector", "score", det.path, "--input", "-", "--from-row", "3000"],
            input: Data(waveText().utf8))
        XCTAssertEqual(streamed.status, 0, streamed.stderr)
        XCTAssertEqual(streamed.stdout, whole.stdout)

        let out = dir.appendingPathComponent("ev")
        let ev = try latent([
            "detector", "evaluate", det.path, "--data", data.path, "--anomaly-rows", "4411-4450",
            "--out", out.path,
        ])
        XCTAssertEqual(ev.status, 0, ev.stderr)
        XCTAssertTrue(ev.stdout.contains("solved: true"), ev.stdout)
        for name in ["metrics.json", "scores.csv", "report.html", "signal.svg", "score-zoom.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        XCTAssertGreaterThan(metrics["auroc"] as! Double, 0.9)
    }

    func testBadSignalInputIsAClearError() throws {
        let dir = try temporaryDirectory(self)
        let data = dir.appendingPathComponent("bad.txt")
        try "1\n2\n3\nx\n".write(to: data, atomically: true, encoding: .utf8)
        let bad = try latent([
            "detector", "fit", "--data", data.path, "--signal", "--out", dir.appendingPathComponent("d").path,
        ])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("line 4"), bad.stderr)
        let good = dir.appendingPathComponent("good.txt")
        try waveText(rows: 500).write(to: good, atomically: true, encoding: .utf8)
        let short = try latent([
            "detector", "fit", "--data", good.path, "--signal", "--train-rows", "300", "--window", "100",
            "--out", dir.appendingPathComponent("d").path,
        ])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("--train-rows"), short.stderr)
        let tooMany = try latent([
            "detector", "fit", "--data", good.path, "--signal", "--train-rows", "900",
            "--out", dir.appendingPathComponent("d").path,
        ])
        XCTAssertNotEqual(tooMany.status, 0)
        XCTAssertTrue(tooMany.stderr.contains("--train-rows 900"), tooMany.stderr)
        for views in ["slope", "level,level", ""] {
            let bad = try latent([
                "detector", "fit", "--data", good.path, "--signal", "--views", views,
                "--out", dir.appendingPathComponent("d").path,
            ])
            XCTAssertNotEqual(bad.status, 0, views)
            XCTAssertTrue(bad.stderr.contains("--views"), bad.stderr)
        }
    }

    /// A short real UCR series: the anomaly is found (the UCR rule), from the file's name.
    func testRealUCRSeriesIsSolved() throws {
        let file = try sharedDatasets().appendingPathComponent(
            "ucr-anomaly/176_UCR_Anomaly_insectEPG4_1300_6508_6558.txt.gz")
        let dir = try temporaryDirectory(self)
        let det = dir.appendingPathComponent("det")
        let fit = try latent([
            "detector", "fit", "--data", file.path, "--signal", "--train-rows", "1300",
            "--out", det.path, "--quiet",
        ])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let ev = try latent([
            "detector", "evaluate", det.path, "--data", file.path, "--anomaly-rows", "6508-6558",
            "--out", dir.appendingPathComponent("ev").path,
        ])
        XCTAssertEqual(ev.status, 0, ev.stderr)
        XCTAssertTrue(ev.stdout.contains("solved: true"), ev.stdout)
    }

    /// A SKAB experiment: 8 channels, a timestamp, per-row labels. (valve1/7 scores 0.96
    /// here; valve1/0 only 0.65 — see docs/signals.md for all of them.)
    func testRealSKABExperimentWithLabelColumn() throws {
        let file = try sharedDatasets().appendingPathComponent("skab/valve1/7.csv")
        let dir = try temporaryDirectory(self)
        let det = dir.appendingPathComponent("det")
        let common = ["--label-column", "anomaly", "--ignore-column", "changepoint"]
        let fit = try latent(
            ["detector", "fit", "--data", file.path, "--signal", "--train-rows", "400", "--out", det.path, "--quiet"]
                + common)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let ev = try latent(
            ["detector", "evaluate", det.path, "--data", file.path, "--out", dir.appendingPathComponent("ev").path]
                + common)
        XCTAssertEqual(ev.status, 0, ev.stderr)
        let auroc = ev.stdout.split(separator: "\n").first { $0.hasPrefix("auroc: ") }
            .flatMap { Double($0.dropFirst(7)) }
        XCTAssertNotNil(auroc, ev.stdout)
        XCTAssertGreaterThan(auroc ?? 0, 0.85)
    }
}
