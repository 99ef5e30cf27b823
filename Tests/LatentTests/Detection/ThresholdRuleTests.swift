import XCTest

@testable import Latent

final class ThresholdRuleTests: XCTestCase {
    func testParsesEveryForm() throws {
        XCTAssertEqual(try ThresholdRule(parsing: "mean-std:3"), .meanStd(k: 3))
        XCTAssertEqual(try ThresholdRule(parsing: "percentile:99.5"), .percentile(99.5))
        XCTAssertEqual(try ThresholdRule(parsing: "contamination:0.1"), .contamination(0.1))
        XCTAssertEqual(try ThresholdRule(parsing: "fpr:0.05"), .falsePositiveRate(0.05))
        XCTAssertEqual(try ThresholdRule(parsing: "youden"), .youden)
        XCTAssertEqual(try ThresholdRule(parsing: " percentile: 95 "), .percentile(95))
        XCTAssertEqual(try ThresholdRule(parsing: "percentile:0"), .percentile(0))
        XCTAssertEqual(try ThresholdRule(parsing: "contamination:0.5"), .contamination(0.5))
    }

    func testPrintsTheCLIFormAndParsesBack() throws {
        let rules: [ThresholdRule] = [
            .meanStd(k: 3), .meanStd(k: 2.5), .percentile(99), .percentile(99.9),
            .contamination(0.05), .falsePositiveRate(0.01), .falsePositiveRate(1e-5), .youden,
        ]
        XCTAssertEqual(
            rules.map(\.description),
            [
                "mean-std:3", "mean-std:2.5", "percentile:99", "percentile:99.9",
                "contamination:0.05", "fpr:0.01", "fpr:1e-05", "youden",
            ])
        for rule in rules {
            XCTAssertEqual(try ThresholdRule(parsing: rule.description), rule)
            XCTAssertEqual(ThresholdRule(rule.description), rule)
        }
    }

    func testParseErrorsNameTheValidForms() {
        let bad = [
            "", "percentile", "percentile:", "percentile:abc", "percentile:nan", "percentile:150",
            "percentile:-1", "mean-std:-1", "mean-std:inf", "contamination:0", "contamination:0.6",
            "fpr:0", "fpr:1", "youden:3", "median", "PERCENTILE:90",
        ]
        for text in bad {
            XCTAssertNil(ThresholdRule(text), text)
            XCTAssertThrowsError(try ThresholdRule(parsing: text), text) { error in
                guard case .invalidRule(let t, _)? = error as? DetectionError else {
                    return XCTFail("\(text): unexpected \(error)")
                }
                XCTAssertEqual(t, text)
                XCTAssertTrue("\(error)".contains("Valid forms: mean-std:K"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ThresholdRule(parsing: "percentile:150")) {
            XCTAssertEqual(
                "\($0)",
                "'percentile:150' is not a threshold rule: percentile Q must be between "
                    + "0 and 100, not 150.0. Valid forms: " + ThresholdRule.validForms + ".")
        }
    }

    func testValidateCatchesDirectlyBuiltRules() {
        XCTAssertThrowsError(try ThresholdRule.meanStd(k: -1).validate())
        XCTAssertThrowsError(try ThresholdRule.percentile(.nan).validate())
        XCTAssertThrowsError(try ThresholdRule.contamination(0.75).validate())
        XCTAssertThrowsError(try ThresholdRule.falsePositiveRate(-0.1).validate())
        XCTAssertNoThrow(try ThresholdRule.percentile(100).validate())
    }

    func testCodableAsTheCLIString() throws {
        let json = try JSONEncoder().encode(["rule": ThresholdRule.contamination(0.1)])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"{"rule":"contamination:0.1"}"#)
        let decoded = try JSONDecoder().decode([String: ThresholdRule].self, from: json)
        XCTAssertEqual(decoded["rule"], .contamination(0.1))
        XCTAssertThrowsError(try JSONDecoder().decode([ThresholdRule].self, from: Data(#"["percentile:200"]"#.utf8)))
    }

    func testNeedsLabels() {
        XCTAssertTrue(ThresholdRule.youden.needsLabels)
        XCTAssertFalse(ThresholdRule.percentile(95).needsLabels)
    }
}
