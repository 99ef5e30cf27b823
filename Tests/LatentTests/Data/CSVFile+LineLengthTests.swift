import Foundation
import XCTest

@testable import Latent

/// The line-length limit of CSV/TSV files (``CSVOptions/maximumLineLength``, 16 MiB by
/// default) is enforced while the file is read, so a file that is one endless line costs
/// the limit, not the file's size.
final class CSVFileLineLengthTests: XCTestCase {
    func testALongLineIsRefusedWhileReadingPlainAndGzipFiles() throws {
        let dir = try temporaryDirectory(self)
        var options = CSVOptions()
        options.maximumLineLength = 64
        let text = "1,2,3\n" + String(repeating: "4,", count: 500_000) + "5\n6,7,8\n"
        let plain = try writeFile(text, "long.csv", in: dir)
        assertDataError(.lineTooLong, [plain.path, "line 2", "limit of 64 bytes"]) {
            try CSVFile.read(from: plain, options: options)
        }
        let gzip = try writeFile(Gzip.compress(Array(text.utf8)), "long.csv.gz", in: dir)
        assertDataError(.lineTooLong, [gzip.path, "line 2", "limit of 64 bytes"]) {
            try CSVFile.read(from: gzip, options: options)
        }
        // The same rule as the parser: 16 bytes before the newline (a \r included) pass.
        options.maximumLineLength = 16
        let edge = try writeFile("1,2,3,4,5,6,7,89\r\n1,2,3,4,5,6,7,8\n", "edge.csv", in: dir)
        assertDataError(.lineTooLong, ["line 1"]) { try CSVFile.read(from: edge, options: options) }
        let fits = try writeFile("1,2,3,4,5,6,7,89\n1,2,3,4,5,6,7,8\r\n", "fits.csv", in: dir)
        XCTAssertEqual(try CSVFile.read(from: fits, options: options).rowCount, 2)
    }

    func testA300MegabyteLineWithoutNewlineIsRefusedAfterTheDefaultLimit() throws {
        // A sparse file: 300 MB of zero bytes on disk costs nothing to make, and the reader
        // must stop after the first 16 MiB.
        let dir = try temporaryDirectory(self)
        let url = try writeFile("", "endless.csv", in: dir)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 300 << 20)
        try handle.close()
        let started = Date()
        assertDataError(.lineTooLong, [url.path, "line 1", "limit of 16777216 bytes"]) {
            try CSVFile.read(from: url)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testAGzipBombOfOneEndlessLineStopsAtTheLimit() throws {
        // 75 copies of one member holding 4 MiB of zeros: 300 MiB once inflated, from a file
        // of a few hundred KiB. Reading stops at the line limit, not the 2 GiB size cap.
        let dir = try temporaryDirectory(self)
        let member = Gzip.compress([UInt8](repeating: 0, count: 4 << 20), level: 9)
        let bomb = try writeFile(Array([[UInt8]](repeating: member, count: 75).joined()), "bomb.csv.gz", in: dir)
        XCTAssertLessThan(try Data(contentsOf: bomb).count, 1 << 20)
        assertDataError(.lineTooLong, [bomb.path, "line 1", "limit of 16777216 bytes"]) {
            try CSVFile.read(from: bomb)
        }
    }

    func testAnErrorQuotesAtMostTheStartOfAHugeCell() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1,2\n" + String(repeating: "x", count: 100_000) + ",3\n", "cell.csv", in: dir)
        let error = assertDataError(.nonNumeric, [url.path, "line 2", "(100000 bytes)"]) {
            try CSVFile.read(from: url, options: CSVOptions(header: .absent))
        }
        XCTAssertLessThan(error?.description.count ?? 0, 500)
    }

    func testBinaryGarbageIsQuotedEscapedAndShort() throws {
        // Random bytes: a header of garbage "names" and a garbage cell; the message must
        // stay short and carry no raw control bytes (a terminal would act on them).
        var g = RandomGenerator(seed: 7)
        let bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        let url = try writeFile(bytes, "garbage.csv", in: try temporaryDirectory(self))
        XCTAssertThrowsError(try CSVFile.read(from: url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(url.path), text)
            XCTAssertLessThan(text.utf8.count, 1000, text)
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, text)
        }
    }
}
