import XCTest

@testable import Latent

/// Small data (issue 15, item 4; issue 17, item 6): with the defaults a file of at least 20
/// normal rows fits; when the default rule needs more calibration rows than there are, the
/// strictest rule they support is used and said; a rule that was asked for still errors.
final class AnomalyDetectorSmallDataTests: XCTestCase {
    private func quick(_ c: DetectorConfiguration = DetectorConfiguration()) -> DetectorConfiguration {
        var c = c
        c.epochs = 20  // the sizes, not the training, are under test
        return c
    }

    func testTwentyNormalRowsFitWithTheStrictestRuleTheySupport() throws {
        let data = DetectorTestData.rows(count: 20, seed: 1)
        let detector = try AnomalyDetector.fit(data.x, configuration: quick())
        XCTAssertEqual(detector.calibration.count, 4)
        // 4 scores: the smallest p-value is 1/5, so fpr:0.2 is the strictest reachable.
        XCTAssertEqual(detector.thresholdRule, .falsePositiveRate(0.2))
        let note = try XCTUnwrap(detector.plan.thresholdFallback)
        for fragment in ["fpr:0.05 needs 19", "there are 4", "fpr:0.2", "about 95 normal rows"] {
            XCTAssertTrue(note.contains(fragment), "«\(note)» lacks «\(fragment)»")
        }
        XCTAssertTrue(detector.plan.notes.contains(note))
        XCTAssertTrue(detector.threshold.isFinite)
    }

    func testSixtyNineNormalRowsAsInECG200() throws {
        let data = DetectorTestData.rows(count: 69, seed: 2)
        let detector = try AnomalyDetector.fit(data.x, configuration: quick())
        XCTAssertEqual(detector.calibration.count, 14)
        XCTAssertEqual(detector.thresholdRule, .falsePositiveRate(0.067))  // ⌈1000/15⌉/1000
        XCTAssertEqual(ThresholdRule.calibrationRowsNeeded(falsePositiveRate: 0.067), 14)
        XCTAssertTrue(
            detector.plan.thresholdFallback?.contains("--validation-fraction 0.28 with --threshold fpr:0.05") ?? false,
            "\(detector.plan.thresholdFallback ?? "")")
    }

    func testEnoughRowsKeepTheDefaultRule() throws {
        let data = DetectorTestData.rows(count: 100, seed: 3)
        let detector = try AnomalyDetector.fit(data.x, configuration: quick())
        XCTAssertEqual(detector.calibration.count, 20)
        XCTAssertEqual(detector.thresholdRule, .falsePositiveRate(0.05))
        XCTAssertNil(detector.plan.thresholdFallback)
    }

    func testARequiredRuleStillErrorsNamingRowsAndFraction() throws {
        let data = DetectorTestData.rows(count: 69, seed: 2)
        var c = quick()
        c.thresholdIsRequired = true
        XCTAssertThrowsError(try AnomalyDetector.fit(data.x, configuration: c)) { error in
            let text = "\(error)"
            for fragment in ["fpr:0.05 needs at least 19", "there are 14 of 69", "`validationFraction` 0.28"] {
                XCTAssertTrue(text.contains(fragment), "«\(text)» lacks «\(fragment)»")
            }
        }
        c.validationFraction = 0.28
        XCTAssertNoThrow(try AnomalyDetector.fit(data.x, configuration: c), "the fraction named works")
        var other = quick()
        other.threshold = .falsePositiveRate(0.01)  // not the default: never relaxed
        XCTAssertThrowsError(try AnomalyDetector.fit(data.x, configuration: other))
    }

    func testValidationFractionSuggestionGivesTheRows() {
        for normal in [20, 69, 97, 150] {
            let f = ThresholdRule.validationFraction(needed: 19, normalRows: normal)
            XCTAssertGreaterThanOrEqual(Int((f * Double(normal)).rounded()), min(19, normal - 1), "\(normal)")
        }
    }
}
