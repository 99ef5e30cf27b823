import Foundation
import XCTest

@testable import Latent

/// ``ScoreStream/maximumLineLength`` (16 MiB by default): a longer line, CSV or NDJSON,
/// is dropped as it arrives (never held whole) and becomes one error record.
final class ScoreStreamLineLengthTests: XCTestCase {
    func run(_ scorer: ScoreStream, input fd: Int32) throws -> (String, ScoreStream.Summary) {
        let outPipe = Pipe()
        let summary = try scorer.run(input: fd, output: outPipe.fileHandleForWriting.fileDescriptor)
        try outPipe.fileHandleForWriting.close()
        return (String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), summary)
    }

    func scorer(format: ScoreRecordWriter.Format = .csv) -> ScoreStream {
        let detector = DetectorTestData.fitted
        let writer = ScoreRecordWriter(format: format, explain: 0, errorColumn: true, threshold: detector.threshold)
        return ScoreStream(detector: detector, writer: writer)
    }

    var row: [Float] { (0..<DetectorTestData.featureCount).map { Float($0 % 3) } }

    func testLongCSVAndNDJSONLinesBecomeErrorRecords() throws {
        let csv = row.map { "\($0)" }.joined(separator: ",")
        let json = "[" + csv + "]"
        for (format, good) in [(ScoreRecordWriter.Format.csv, csv), (.ndjson, json)] {
            var stream = scorer(format: format)
            stream.maximumLineLength = 100
            let long =
                format == .csv
                ? String(repeating: "1,", count: 10_000) + "1" : "[" + String(repeating: "1,", count: 10_000) + "1]"
            let pipe = Pipe()
            pipe.fileHandleForWriting.write(Data([good, long, good].joined(separator: "\n").utf8))
            try pipe.fileHandleForWriting.close()
            let (out, summary) = try run(stream, input: pipe.fileHandleForReading.fileDescriptor)
            XCTAssertEqual(summary.rows, 3, out)
            XCTAssertEqual(summary.errors, 1, out)
            // 20 KB: inside one 64 KiB read, so only a check of every line catches it.
            let record =
                format == .csv
                ? "line 2: the line is longer than 100 bytes" : #""line":2,"error":"the line is longer than 100 bytes""#
            XCTAssertTrue(out.contains(record), out)
        }
    }

    func testALineJustOverTheDefaultLimitIsDroppedAndScoringGoesOn() throws {
        // A row, then 16 MiB + 1 zero bytes (sparse on disk) and a newline, then a row.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("rows.csv")
        let good = Data((row.map { "\($0)" }.joined(separator: ",") + "\n").utf8)
        try good.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(good.count + (16 << 20) + 1))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8) + good)
        try handle.close()
        let input = try FileHandle(forReadingFrom: url)
        defer { try? input.close() }
        let (out, summary) = try run(scorer(), input: input.fileDescriptor)
        XCTAssertEqual(summary.rows, 3, out)
        XCTAssertEqual(summary.errors, 1, out)
        XCTAssertTrue(out.contains("line 2: the line is longer than 16777216 bytes"), String(out.prefix(500)))
        // Before the fix this line ended in the read after the one that passed the limit,
        // went to the parser, and its 16 MiB cell was copied into the error record.
        XCTAssertLessThan(out.utf8.count, 4096)
    }
}
