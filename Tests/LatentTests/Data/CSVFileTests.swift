import Foundation
import XCTest

@testable import Latent

final class CSVFileTests: XCTestCase {
    private func parse(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> CSVTable {
        try CSVFile.parse(Array(text.utf8), file: "t.csv", options: options)
    }

    // MARK: Real files

    func testECGCSV() throws {
        let url = try sharedDatasets("ecg5000/ecg.csv")
        let table = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .last))
        XCTAssertEqual(table.features.shape, [4998, 140])
        XCTAssertFalse(table.hasHeader)
        XCTAssertTrue(table.headerWasInferred)
        let labels = try table.integerLabels()
        XCTAssertEqual(labels.filter { $0 == 1 }.count, 2919)
        XCTAssertEqual(labels.filter { $0 == 0 }.count, 2079)
        XCTAssertEqual(table.features[0, 0], -0.11252183)
        XCTAssertEqual(table.features[0, 1], -2.8272038)
        XCTAssertEqual(
            table.summary,
            "\(url.path): 4998 rows × 140 features, no header (detected), labels in column 141")
    }

    func testECGTSVWithClassInFirstColumn() throws {
        let url = try sharedDatasets("ecg5000/ECG5000_TRAIN.tsv")
        let table = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .first))
        XCTAssertEqual(table.features.shape, [500, 140])
        let labels = try table.integerLabels()
        XCTAssertEqual((1...5).map { c in labels.filter { $0 == c }.count }, [292, 177, 10, 19, 2])
        // Row 0 of the TSV is row 0 of ecg.csv.
        let csv = try CSVFile.read(
            from: sharedDatasets("ecg5000/ecg.csv"), options: CSVOptions(labelColumn: .last))
        XCTAssertEqual(table.features.rows(0..<1).scalars, csv.features.rows(0..<1).scalars)
    }

    func testBundledGzip() throws {
        let table = try CSVFile.read(
            from: try XCTUnwrap(ECG5000.bundledURL), options: CSVOptions(labelColumn: .last))
        XCTAssertEqual(table.features.shape, [4998, 140])
    }

    // MARK: Shapes of text

    func testHeaderDetectionAndLabelByName() throws {
        let text = "a,b,kind\n1,2,benign\n3,4.5,malignant\n"
        let table = try parse(text, CSVOptions(labelColumn: .named("kind")))
        XCTAssertTrue(table.hasHeader)
        XCTAssertEqual(table.featureNames, ["a", "b"])
        XCTAssertEqual(table.labelName, "kind")
        XCTAssertEqual(table.features.scalars, [1, 2, 3, 4.5])
        XCTAssertEqual(table.labels, ["benign", "malignant"])
        let (classes, indices) = try table.labelIndices()
        XCTAssertEqual(classes, ["benign", "malignant"])
        XCTAssertEqual(indices, [0, 1])
        assertDataError(.nonNumeric, ["t.csv", "line 2, column 3 (\"kind\")", "benign"]) {
            try table.integerLabels()
        }
    }

    func testHeaderWhenOnlyTheLabelIsText() throws {
        // Numeric column names, text label name: still a header, because row 2's label is a number.
        let table = try parse("0,1,label\n5,6,1\n7,8,0\n", CSVOptions(labelColumn: .last))
        XCTAssertTrue(table.hasHeader)
        XCTAssertEqual(try table.integerLabels(), [1, 0])
        // Text labels with no header: row 2's label is text too, so row 1 is data.
        let plain = try parse("5,6,cat\n7,8,dog\n", CSVOptions(labelColumn: .last))
        XCTAssertFalse(plain.hasHeader)
        XCTAssertEqual(plain.labels, ["cat", "dog"])
    }

    func testExplicitHeaderModes() throws {
        XCTAssertEqual(
            try parse("1,2\n3,4\n", CSVOptions(header: .present)).features.scalars, [3, 4])
        XCTAssertFalse(try parse("1,2\n3,4\n", CSVOptions(header: .present)).headerWasInferred)
        assertDataError(.nonNumeric, ["line 1, column 1", "\"x\""]) {
            try parse("x,y\n1,2\n", CSVOptions(header: .absent))
        }
    }

    func testCRLFBlankLinesBOMQuotesAndSpaces() throws {
        let text = "\u{FEFF}\"x, one\",y\r\n 1 , \"2\"\r\n\r\n3,-4e-1\r\n\r\n\n"
        let table = try parse(text)
        XCTAssertEqual(table.featureNames, ["x, one", "y"])
        XCTAssertEqual(table.features.shape, [2, 2])
        XCTAssertEqual(table.features.scalars, [1, 2, 3, -0.4])
        XCTAssertEqual(try parse("1,2").features.scalars, [1, 2])  // no final newline
        let quoted = try parse("\"a\"\"b\",c\n1,2\n")
        XCTAssertEqual(quoted.featureNames, ["a\"b", "c"])
    }

    func testTabDelimiterFromExtension() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1\t2\t3\n4\t5\t6\n", "t.tsv", in: dir)
        XCTAssertEqual(CSVFile.defaultDelimiter(for: url), .tab)
        XCTAssertEqual(CSVFile.defaultDelimiter(for: URL(fileURLWithPath: "/a/b.TSV.gz")), .tab)
        XCTAssertEqual(CSVFile.defaultDelimiter(for: URL(fileURLWithPath: "/a/b.csv.gz")), .comma)
        XCTAssertEqual(try CSVFile.read(from: url).features.shape, [2, 3])
        let gz = try writeFile(Gzip.compress(Array("1\t2\n".utf8)), "t.tsv.gz", in: dir)
        XCTAssertEqual(try CSVFile.read(from: gz).features.scalars, [1, 2])
    }

    func testLabelIndexAndNumericLabels() throws {
        let table = try parse("1,0.5,2\n3,1.5,4\n", CSVOptions(labelColumn: .index(1)))
        XCTAssertEqual(table.features.scalars, [1, 2, 3, 4])
        XCTAssertEqual(try table.numericLabels(), [0.5, 1.5])
        assertDataError(.nonNumeric, ["line 1, column 2", "whole number"]) {
            try table.integerLabels()
        }
        assertDataError(.missingColumn, ["line 1", "index 5"]) {
            try parse("1,2\n", CSVOptions(labelColumn: .index(5)))
        }
        assertDataError(.missingColumn, ["no column is named \"nope\"", "\"a\", \"b\""]) {
            try parse("a,b\n1,2\n", CSVOptions(labelColumn: .named("nope")))
        }
    }

    // MARK: Errors

    func testWrongFieldCount() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1,2,3\n4,5,6\n7,8\n", "short.csv", in: dir)
        assertDataError(.wrongFieldCount, [url.path, "line 3", "2 fields", "line 1) has 3"]) {
            try CSVFile.read(from: url)
        }
        let long = try writeFile("1,2\n3,4,5,6\n", "long.csv", in: dir)
        assertDataError(.wrongFieldCount, [long.path, "line 2", "4 fields", "has 2"]) {
            try CSVFile.read(from: long)
        }
    }

    func testNonNumericCell() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("a,b,c\n1,2,3\n4,oops,6\n", "bad.csv", in: dir)
        assertDataError(
            .nonNumeric, [url.path, "line 3, column 2 (\"b\")", "\"oops\" is not a number"]
        ) {
            try CSVFile.read(from: url)
        }
        assertDataError(.nonNumeric, ["line 1, column 2", "empty"]) { try parse("1,,3\n") }
        assertDataError(.nonNumeric, ["line 2, column 1", "\"1.5x\""]) { try parse("1\n1.5x\n") }
    }

    func testNaNAndInfinity() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1,2\n3,NaN\n5,6\n-inf,8\n1e999,0\n9,10\n", "nan.csv", in: dir)
        assertDataError(.nonFinite, [url.path, "line 2, column 2", "NaN", "skipRow"]) {
            try CSVFile.read(from: url)
        }
        let table = try CSVFile.read(from: url, options: CSVOptions(nonFiniteValues: .skipRow))
        XCTAssertEqual(table.skippedRowCount, 3)
        XCTAssertEqual(table.features.scalars, [1, 2, 5, 6, 9, 10])
        XCTAssertTrue(table.summary.contains("3 rows with NaN/Inf skipped"))
    }

    func testSkippedRowsKeepLabelsAligned() throws {
        let table = try parse(
            "1,a\nnan,b\n3,c\n", CSVOptions(labelColumn: .last, nonFiniteValues: .skipRow))
        XCTAssertEqual(table.labels, ["a", "c"])
        XCTAssertEqual(table.lineNumbers, [1, 3])
    }

    func testEmptyFiles() throws {
        let dir = try temporaryDirectory(self)
        let empty = try writeFile("", "empty.csv", in: dir)
        assertDataError(.empty, [empty.path, "empty"]) { try CSVFile.read(from: empty) }
        let blank = try writeFile("\n\r\n  \n", "blank.csv", in: dir)
        assertDataError(.empty, [blank.path]) { try CSVFile.read(from: blank) }
        let headerOnly = try writeFile("a,b\n", "header.csv", in: dir)
        assertDataError(.empty, [headerOnly.path, "line 1", "no data rows"]) {
            try CSVFile.read(from: headerOnly)
        }
    }

    func testLineTooLong() {
        var options = CSVOptions()
        options.maximumLineLength = 16
        XCTAssertEqual(try parse("1,2,3\n4,5,6\n", options).rowCount, 2)
        assertDataError(.lineTooLong, ["t.csv", "line 2", "16 bytes"]) {
            try parse("1,2\n" + String(repeating: "1,", count: 20) + "1\n", options)
        }
        assertDataError(.lineTooLong, ["line 1"]) {
            try parse(String(repeating: "7", count: 40), options)
        }
    }

    func testUnclosedQuote() {
        assertDataError(.corrupt, ["line 2, column 2", "not closed"]) { try parse("a,b\n1,\"2\n") }
    }

    // MARK: Number parsing

    func testDecimalParserAgreesWithStandardLibrary() {
        var generator = RandomGenerator(seed: 7)
        var texts = [
            "0", "-0", "1", "+1.5", ".5", "5.", "1e5", "1E-5", "123456789012345678901234",
            "0.000000000000000000000000000000000000000000001", "3.4028235e38", "3.4028236e38",
            "1.17549435e-38", "1e-39", "16777217", "0.1", "2.5e+07", "1e22", "1e23",
            "9007199254740993",
        ]
        for _ in 0..<20000 {
            let mantissa = generator.next() >> UInt64(generator.next() % 64)
            let exponent = Int(generator.next() % 90) - 45
            let sign = generator.next() % 2 == 0 ? "-" : ""
            texts.append("\(sign)\(mantissa)e\(exponent)")
            texts.append(String(format: "%.8g", Double(generator.nextNormal()) * 3))
            texts.append("\(Double(generator.nextUniform()) * 1e-3)")
        }
        for text in texts {
            let expected = Float(text)!
            let bytes = Array(text.utf8)
            let got: Float? = bytes.withUnsafeBufferPointer { b in
                let end = b.baseAddress! + b.count
                switch DecimalParser.parse(b.baseAddress!, end) {
                case .value(let v, let after): return after == end ? v : nil
                case .slow(let after):
                    return after == end ? DecimalParser.parseSlowly(b.baseAddress!, end) : nil
                case .invalid: return nil
                }
            }
            XCTAssertEqual(
                got?.bitPattern, expected.bitPattern,
                "\(text): \(String(describing: got)) vs \(expected)")
        }
    }
}
