import Foundation
import XCTest

@testable import Latent

/// Delimiter detection, the forced-delimiter check, whitespace tables, negative label
/// indices and capped value lists.
final class CSVFileDelimiterTests: XCTestCase {
    private func write(_ text: String, _ name: String) throws -> URL {
        try temporaryFile(self, text, named: name)
    }

    func testSniffsEachDelimiter() {
        func sniff(_ text: String) -> CSVOptions.Delimiter? {
            CSVFile.sniffDelimiter(Array(text.utf8))
        }
        XCTAssertEqual(sniff("1,2,3\n4,5,6\n"), .comma)
        XCTAssertEqual(sniff("1\t2\t3\n4\t5\t6\n"), .tab)
        XCTAssertEqual(sniff("1;2;3\n4;5;6\n"), .semicolon)
        XCTAssertEqual(sniff("  1.0   2.0  3\n 4   5 6  \n"), .whitespace)
        // A quoted comma is not a delimiter; ragged or one-column text has none.
        XCTAssertEqual(sniff("\"a,b\";2\n\"c,d\";4\n"), .semicolon)
        XCTAssertNil(sniff("1\n2\n3\n"))
        XCTAssertNil(sniff("1,2\n3,4,5\n"))
        // The preferred one wins when both split every line alike.
        XCTAssertEqual(
            CSVFile.sniffDelimiter(Array("1,2\t3\n4,5\t6\n".utf8), preferring: .tab), .tab)
    }

    func testTabFileNamedCSVIsReadByItsTabs() throws {
        let url = try write("1\t2\t3\n4\t5\t6\n7\t8\t9\n", "data.csv")
        let table = try CSVFile.read(from: url)
        XCTAssertEqual(table.features.shape, [3, 3])
        XCTAssertEqual(table.features.scalars, [1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    func testWhitespaceSeparatedText() throws {
        let url = try write("  1.5   2  3\n4 5   6\n", "ucr.txt")
        let table = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .first))
        XCTAssertEqual(table.features.scalars, [2, 3, 5, 6])
        XCTAssertEqual(table.labels, ["1.5", "4"])
    }

    func testForcedDelimiterThatLeavesOneFieldNamesTheRightOne() throws {
        let url = try write("1\t2\t3\n4\t5\t6\n", "data.csv")
        XCTAssertThrowsError(try CSVFile.read(from: url, options: CSVOptions(delimiter: .comma))) {
            let error = $0 as! DataError
            XCTAssertEqual(error.kind, .wrongFieldCount)
            XCTAssertTrue(error.message.contains("looks tab-separated"), error.message)
            XCTAssertTrue(error.remedy!.contains("tabs"), error.remedy!)
        }
        // One real column is not refused.
        let single = try write("1\n2\n3\n", "one.csv")
        XCTAssertEqual(try CSVFile.read(from: single, options: CSVOptions(delimiter: .comma)).featureCount, 1)
    }

    func testNegativeLabelIndexCountsFromTheEnd() throws {
        let url = try write("1,2,9\n3,4,8\n", "data.csv")
        let table = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .index(-1)))
        XCTAssertEqual(table.labels, ["9", "8"])
        XCTAssertEqual(table.labelColumnIndex, 2)
        XCTAssertThrowsError(try CSVFile.read(from: url, options: CSVOptions(labelColumn: .index(-4))))
    }

    func testEchoedValuesAreCapped() {
        let long = String(repeating: "x", count: 500)
        let text = echoedValues((0..<30).map { "\($0)" + long })
        XCTAssertLessThan(text.count, 10 * 48 + 40)
        XCTAssertTrue(text.hasSuffix("… (30 in all)"), text)
        XCTAssertEqual(echoedValues(["a", "b"]), "'a', 'b'")
    }

    func testUnknownHeaderNameMessageStaysShort() throws {
        let names = (0..<200).map { "column_with_a_rather_long_name_number_\($0)_and_more" }
        let url = try write(
            names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n", "wide.csv")
        XCTAssertThrowsError(
            try CSVFile.read(from: url, options: CSVOptions(labelColumn: .named("label")))
        ) {
            XCTAssertLessThan("\($0)".count, 700, "\($0)")
        }
    }
}
