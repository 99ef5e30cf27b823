import Foundation
import XCTest

@testable import Latent

/// Whole-file scoring writes, in order, the records ``ScoreRecordWriter`` makes of
/// ``AnomalyDetector/evaluate(_:topK:)``, across batch boundaries, and with a false
/// discovery rate the Benjamini–Hochberg decisions over every row of the file.
final class ScoreFileTests: XCTestCase {
    /// What `scoring` writes, read back from a file.
    func output(of scoring: ScoreFile, rows: Tensor) throws -> (String, ScoreFile.Summary) {
        let url = try temporaryDirectory(self).appendingPathComponent("scores.csv")
        let file = try AtomicFile.Writer(url: url)
        let summary = try scoring.run(rows, output: file.fileDescriptor)
        try file.commit()
        return (try String(contentsOf: url, encoding: .utf8), summary)
    }

    func testRecordsAndDiscoveriesMatchTheDetectorOverTheWholeFile() throws {
        let train = DetectorTestData.rows(count: 240, seed: 3)
        let detector = try AnomalyDetector.fit(
            train.x, configuration: DetectorTestData.quickConfiguration())
        // More rows than one scoring batch, a tenth of them spiked.
        let n = ScoringBatches.rows + 100
        let test = DetectorTestData.rows(count: n, anomalyEvery: 10, seed: 4)
        let scored = try detector.evaluate(test.x, topK: 2)
        var writer = ScoreRecordWriter(format: .csv, explain: 2, errorColumn: false, detector: detector)

        var expected = writer.header
        for (i, row) in scored.enumerated() { writer.append(index: i, row, to: &expected) }
        let (plain, summary) = try output(of: ScoreFile(detector: detector, writer: writer), rows: test.x)
        XCTAssertEqual(plain, expected)
        XCTAssertEqual(summary.rows, n)
        XCTAssertEqual(summary.anomalies, scored.filter(\.anomaly).count)
        XCTAssertGreaterThan(summary.anomalies, n / 20)

        var fdr = ScoreFile(detector: detector, writer: writer)
        fdr.falseDiscoveryRate = 0.5  // 60 calibration scores: no p-value is below 1/61
        let discovered = try benjaminiHochberg(scored.map(\.pValue), falseDiscoveryRate: 0.5)
        writer.discovery = true
        expected = writer.header
        for (i, row) in scored.enumerated() {
            writer.append(index: i, row, discovered: discovered[i], to: &expected)
        }
        let (withDiscoveries, fdrSummary) = try output(of: fdr, rows: test.x)
        XCTAssertEqual(withDiscoveries, expected)
        XCTAssertEqual(fdrSummary.discoveries, discovered.filter { $0 }.count)
        XCTAssertGreaterThan(fdrSummary.discoveries, 0)
    }
}
