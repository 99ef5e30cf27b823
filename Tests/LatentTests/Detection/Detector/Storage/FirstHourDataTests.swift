import Foundation
import XCTest

@testable import Latent

/// What `DetectorData` does for a newcomer's mistakes: label columns by position, a
/// forgotten label, the wrong delimiter, and row fingerprints.
final class FirstHourDataTests: XCTestCase {
    private func write(_ text: String, _ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("firsthour-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// `rows` rows of 6 smooth features and a 0/1 label in column `labelAt`.
    private func table(rows: Int = 40, labelAt: Int = 6, separator: String = ",") -> String {
        (0..<rows).map { (i: Int) -> String in
            var cells: [String] = (0..<6).map { (j: Int) -> String in
                String(format: "%.4f", sin(Double(i * 7 + j) * 0.3))
            }
            cells.insert(i % 4 == 0 ? "0" : "1", at: labelAt)
            return cells.joined(separator: separator)
        }.joined(separator: "\n") + "\n"
    }

    func testLabelColumnWords() {
        XCTAssertEqual(DetectorData.LabelColumn(parsing: "first"), .index(0))
        XCTAssertEqual(DetectorData.LabelColumn(parsing: "LAST"), .index(-1))
        XCTAssertEqual(DetectorData.LabelColumn(parsing: "-2"), .index(-2))
        XCTAssertEqual(DetectorData.LabelColumn(parsing: "none"), DetectorData.LabelColumn.none)
        XCTAssertEqual(DetectorData.LabelColumn(parsing: "diagnosis"), .name("diagnosis"))
    }

    func testLastAndFirstResolveToIndices() throws {
        let url = try write(table(), "t.csv")
        let last = try DetectorData.read(url, labelColumn: .last)
        XCTAssertEqual(last.labelColumnIndex, 6)
        XCTAssertEqual(last.featureCount, 6)
        let first = try DetectorData.read(try write(table(labelAt: 0), "f.csv"), labelColumn: .first)
        XCTAssertEqual(first.labelColumnIndex, 0)
        XCTAssertEqual(Set(first.labels!), ["0", "1"])
    }

    func testForgottenLabelIsSuspectedAtEitherEnd() throws {
        let last = try DetectorData.read(try write(table(), "t.csv"))
        XCTAssertEqual(last.suspectedLabelColumn()?.column, 6)
        XCTAssertEqual(last.suspectedLabelColumn()?.position, "last")
        XCTAssertEqual(last.suspectedLabelColumn()?.values, ["0", "1"])
        let first = try DetectorData.read(try write(table(labelAt: 0), "f.csv"))
        XCTAssertEqual(first.suspectedLabelColumn()?.column, 0)
        // Given a label column, nothing is suspected.
        XCTAssertNil(try DetectorData.read(try write(table(), "l.csv"), labelColumn: .last).suspectedLabelColumn())
    }

    func testOrdinaryTablesAreNotSuspected() throws {
        // Continuous values everywhere.
        let smooth = (0..<40).map { (i: Int) -> String in
            let cells: [String] = (0..<5).map { (j: Int) -> String in String(format: "%.3f", cos(Double(i + j))) }
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        XCTAssertNil(try DetectorData.read(try write(smooth, "s.csv")).suspectedLabelColumn())
        // Mostly binary columns (one-hot data): the last binary column is like the others.
        let binary = (0..<40).map { (i: Int) -> String in
            let cells: [String] = (0..<6).map { (j: Int) -> String in String((i >> (j % 5)) & 1) }
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        XCTAssertNil(try DetectorData.read(try write(binary, "b.csv")).suspectedLabelColumn())
    }

    func testPixelLikeTablesAreAtMostWarnedAbout() throws {
        // 700 "images" of 0…255 intensities whose last pixel is 0 but in one or three rows.
        func pixels(lastNonZero: Set<Int>) -> String {
            (0..<700).map { (i: Int) -> String in
                let cells: [String] = (0..<12).map { (j: Int) -> String in
                    j == 11 ? (lastNonZero.contains(i) ? "5" : "0") : String((i * 37 + j * 11) % 256)
                }
                return cells.joined(separator: ",")
            }.joined(separator: "\n")
        }
        XCTAssertNil(
            try DetectorData.read(try write(pixels(lastNonZero: [9]), "p1.csv")).suspectedLabelColumn(),
            "a value seen on one row is no class")
        let suspect = try DetectorData.read(try write(pixels(lastNonZero: [9, 99, 199]), "p3.csv"))
            .suspectedLabelColumn()
        XCTAssertEqual(suspect?.column, 11)
        XCTAssertEqual(suspect?.amongWholeNumbers, true, "whole numbers everywhere: a warning, not a refusal")
        XCTAssertEqual(
            try DetectorData.read(try write(table(), "t.csv")).suspectedLabelColumn()?.amongWholeNumbers, false)
    }

    func testSniffedTabsInACSVFileAndForcedFormatMessage() throws {
        let url = try write(table(separator: "\t"), "tabs.csv")
        let data = try DetectorData.read(url, labelColumn: .last)
        XCTAssertEqual(data.featureCount, 6)
        XCTAssertThrowsError(try DetectorData.read(url, format: .csv, labelColumn: .last)) {
            XCTAssertTrue("\($0)".contains("looks tab-separated"), "\($0)")
        }
    }

    func testWrongNormalLabelListIsCapped() throws {
        // A tab file forced through commas with a label column: every "label" is a row.
        let rows = (0..<50).map { i in String(repeating: "\(i),", count: 60) + "x\(i)" }
        let url = try write(rows.joined(separator: "\n"), "wide.csv")
        let data = try DetectorData.read(url, labelColumn: .last)
        XCTAssertThrowsError(try data.isNormal(normalLabel: "normal")) {
            let text = "\($0)"
            XCTAssertLessThan(text.count, 600, text)
            XCTAssertTrue(text.contains("(50 in all)"), text)
        }
    }

    func testFingerprintsFindTheSameRowsOnly() throws {
        let a = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let prints = RowFingerprints(rows: a)
        XCTAssertEqual(prints.count, 3)
        let b = Tensor(shape: [3, 2], scalars: [3, 4, 0, 0, 1, 2.0001])
        XCTAssertEqual(prints.contains(rowsOf: b), [true, false, false])
        // -0 and 0 are the same value.
        XCTAssertEqual(
            RowFingerprints(rows: Tensor(shape: [1, 1], scalars: [0]))
                .contains(rowsOf: Tensor(shape: [1, 1], scalars: [-0.0])), [true])
        let again = RowFingerprints(data: prints.data)
        XCTAssertEqual(again, prints)
        XCTAssertNil(RowFingerprints(data: Data("LTFP\u{5}\0\0\0".utf8)))
    }
}
