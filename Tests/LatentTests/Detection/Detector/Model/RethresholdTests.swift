import Foundation
import XCTest

@testable import Latent

/// Re-setting a detector's rule from its stored calibration scores, in memory and on disk.
final class RethresholdTests: XCTestCase {
    func testRethresholdedUsesTheStoredCalibrationScores() throws {
        let detector = DetectorTestData.fitted
        let (x, _) = DetectorTestData.rows(count: 40, anomalyEvery: 4, seed: 5)
        let scores = try detector.score(x)
        for text in ["percentile:90", "mean-std:2", "fpr:0.2", "contamination:0.2", "youden"] {
            let rule = try ThresholdRule(parsing: text)
            let other = try detector.rethresholded(rule)
            let expected = try AnomalyDetector.calibrate(
                rule, normal: detector.calibration.sortedScores, anomalies: detector.anomalyScores)
            XCTAssertEqual(other.threshold, expected, text)
            XCTAssertEqual(other.thresholdRule, rule)
            XCTAssertEqual(other.ruleThresholds[text], expected)
            XCTAssertEqual(try other.predict(x), scores.map { $0 > expected }, text)
            XCTAssertEqual(try other.pValues(x), try detector.pValues(x))
        }
        XCTAssertThrowsError(try detector.rethresholded(.falsePositiveRate(0.001)))
    }

    func testRethresholdRewritesTheDirectory() throws {
        let root = try temporaryDirectory(self)
        let dir = root.appendingPathComponent("detector")
        try DetectorTestData.fitted.save(to: dir, source: "waves.csv")
        let (x, _) = DetectorTestData.rows(count: 30, anomalyEvery: 3, seed: 9)
        let before = try AnomalyDetector.load(from: dir)

        let (detector, manifest) = try AnomalyDetector.rethreshold(
            at: dir, rule: .percentile(90))
        let loaded = try AnomalyDetector.load(from: dir)
        XCTAssertEqual(loaded.thresholdRule, .percentile(90))
        XCTAssertEqual(loaded.threshold, detector.threshold)
        XCTAssertEqual(loaded.ruleThresholds["percentile:90"], detector.threshold)
        XCTAssertEqual(loaded.ruleThresholds["fpr:0.1"], before.threshold, "old rules kept")
        XCTAssertEqual(try loaded.score(x), try before.score(x), "same model")
        XCTAssertEqual(loaded.anomalyScores, before.anomalyScores)
        XCTAssertEqual(manifest.rethresholded?.previousRule, .falsePositiveRate(0.1))
        XCTAssertEqual(manifest.data.source, "waves.csv")
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: dir.appendingPathComponent("detector.json"))) as! [String: Any]
        XCTAssertEqual((json["threshold"] as! [String: Any])["rule"] as? String, "percentile:90")
        XCTAssertNotNil((json["rule_thresholds"] as! [String: Any])["percentile:90"])
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("percentile:90"), "the report shows the new rule")
        for file in ["history.csv", "report.html", "model.safetensors", "calibration.json"] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: root.path), ["detector"],
            "no staging directories left behind")

        // youden from the stored anomaly scores; a rule that cannot flag anything is refused
        // and leaves the directory as it was.
        try AnomalyDetector.rethreshold(at: dir, rule: .youden)
        XCTAssertEqual(try AnomalyDetector.load(from: dir).thresholdRule, .youden)
        XCTAssertThrowsError(try AnomalyDetector.rethreshold(at: dir, rule: .falsePositiveRate(0.001)))
        XCTAssertEqual(try AnomalyDetector.load(from: dir).thresholdRule, .youden)
    }

    /// Loads racing re-thresholds: each load sees one whole rule, never a missing or torn
    /// file (the old directory swap left an instant with no directory at the path).
    func testLoadsNeverFailWhileRethresholding() throws {
        final class Race: @unchecked Sendable {
            let lock = NSLock()
            var stop = false, loads = 0, thresholds = Set<Float>(), failures: [String] = []
            func locked<T>(_ body: () -> T) -> T {
                lock.lock()
                defer { lock.unlock() }
                return body()
            }
        }
        let dir = try temporaryDirectory(self).appendingPathComponent("detector")
        try DetectorTestData.fitted.save(to: dir, source: "waves.csv")
        let rules: [ThresholdRule] = [.percentile(90), .percentile(99)]
        let values = try rules.map { try DetectorTestData.fitted.rethresholded($0).threshold }
        let race = Race()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                while !race.locked({ race.stop }) {
                    do {
                        let threshold = try AnomalyDetector.load(from: dir).threshold
                        race.locked {
                            race.loads += 1
                            race.thresholds.insert(threshold)
                        }
                    } catch {
                        race.locked { race.failures.append("\(error)") }
                    }
                }
            }
        }
        for round in 0..<60 { try AnomalyDetector.rethreshold(at: dir, rule: rules[round % 2]) }
        race.locked { race.stop = true }
        group.wait()
        XCTAssertEqual(race.failures, [])
        XCTAssertGreaterThan(race.loads, 10)
        XCTAssertTrue(
            race.thresholds.isSubset(of: Set(values + [DetectorTestData.fitted.threshold])), "\(race.thresholds)")
        print("rethreshold race: \(race.loads) loads during 60 re-thresholds, none failed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporaries left by completed writes")
    }
}
