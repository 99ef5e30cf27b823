import Foundation
import XCTest

@testable import Latent

/// Streaming scoring: records in input order, error records for bad lines, strict mode,
/// NDJSON input, headers and label columns.
final class ScoreStreamTests: XCTestCase {
    /// Runs a stream over `input` and returns its output and summary.
    private func stream(
        _ input: String, format: ScoreRecordWriter.Format = .csv, explain: Int = 0,
        strict: Bool = false,
        batchSize: Int = 4
    ) throws -> (String, ScoreStream.Summary) {
        let detector = DetectorTestData.fitted
        let writer = ScoreRecordWriter(
            format: format, explain: explain, errorColumn: true, threshold: detector.threshold)
        var scorer = ScoreStream(detector: detector, writer: writer)
        scorer.batchSize = batchSize
        scorer.strict = strict
        let inPipe = Pipe()
        let outPipe = Pipe()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let summary = try scorer.run(
            input: inPipe.fileHandleForReading.fileDescriptor,
            output: outPipe.fileHandleForWriting.fileDescriptor)
        try outPipe.fileHandleForWriting.close()
        return (
            String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            summary
        )
    }

    private func csvLines(_ x: Tensor) -> [String] {
        let d = x.shape[1]
        return (0..<x.shape[0]).map { i in
            (0..<d).map { "\(x.scalars[i * d + $0])" }.joined(separator: ",")
        }
    }

    func testScoresMatchTheBatchAPIInInputOrder() throws {
        let (x, _) = DetectorTestData.rows(count: 10, anomalyEvery: 3, seed: 10)
        let (out, summary) = try stream(csvLines(x).joined(separator: "\n") + "\n")
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "index,score,threshold,anomaly,p_value,error")
        XCTAssertEqual(lines.count, 11)
        let scores = try DetectorTestData.fitted.score(x)
        for i in 0..<10 {
            let fields = lines[i + 1].split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(fields[0], "\(i)")
            XCTAssertEqual(Float(fields[1]), scores[i])
            XCTAssertEqual(fields.last, "")
        }
        XCTAssertEqual(summary.rows, 10)
        XCTAssertEqual(summary.errors, 0)
    }

    func testBadLinesBecomeErrorRecordsAndScoringGoesOn() throws {
        let (x, _) = DetectorTestData.rows(count: 6, seed: 11)
        var lines = csvLines(x)
        lines.insert("1,2,3", at: 2)  // wrong field count: line 3
        var cells = lines[4].split(separator: ",").map(String.init)
        cells[6] = "abc"
        lines[4] = cells.joined(separator: ",")  // non-numeric: line 5, column 7
        lines.insert("", at: 5)  // blank lines are skipped
        let (out, summary) = try stream(lines.joined(separator: "\r\n"))  // CRLF, no final newline
        let records = out.split(separator: "\n").dropFirst().map(String.init)
        XCTAssertEqual(records.count, 7)
        XCTAssertEqual(summary.rows, 7)
        XCTAssertEqual(summary.errors, 2)
        XCTAssertTrue(records[2].hasPrefix("2,,,,,"), records[2])
        XCTAssertTrue(
            records[2].contains("line 3: the row has 3 values but the detector takes 16"),
            records[2])
        XCTAssertTrue(
            records[4].contains("line 5: column 7: cell \"\"abc\"\" is not a number"), records[4])
        XCTAssertEqual(
            records.map { $0.split(separator: ",").first! }, ["0", "1", "2", "3", "4", "5", "6"])
    }

    func testStrictStopsAtTheFirstBadLine() throws {
        let (x, _) = DetectorTestData.rows(count: 3, seed: 12)
        let input =
            csvLines(x)[0] + "\nnan," + csvLines(x)[1].split(separator: ",", maxSplits: 1)[1] + "\n"
        XCTAssertThrowsError(try stream(input, strict: true)) { error in
            XCTAssertTrue(
                "\(error)".contains("line 2: column 1: cell \"nan\" is not a finite number"),
                "\(error)")
        }
    }

    func testNDJSONInAndOutWithExplanations() throws {
        let (x, _) = DetectorTestData.rows(count: 3, seed: 13)
        let rows = csvLines(x)
        let input = "[\(rows[0])]\n{\"features\": [\(rows[1])]}\n{\"other\": 1}\n"
        let (out, summary) = try stream(input, format: .ndjson, explain: 2)
        let records = try out.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[0]["index"] as? Int, 0)
        XCTAssertEqual((records[1]["explanation"] as? [Any])?.count, 2)
        XCTAssertEqual(records[2]["line"] as? Int, 3)
        XCTAssertTrue((records[2]["error"] as? String ?? "").contains("features"), "\(records[2])")
        XCTAssertEqual(summary.errors, 1)
    }

    func testHeaderLineIsSkippedAndLabelColumnDropped() throws {
        let detector = DetectorTestData.fitted
        XCTAssertNil(detector.schema.labelColumnIndex)
        let (x, _) = DetectorTestData.rows(count: 2, seed: 14)
        let header = (0..<16).map { "t\($0)" }.joined(separator: ",")
        let (out, summary) = try stream(header + "\n" + csvLines(x).joined(separator: "\n") + "\n")
        XCTAssertTrue(summary.skippedHeader)
        XCTAssertEqual(out.split(separator: "\n").count, 3)
    }

    /// Reads what `fd` has within `seconds`, or `nil` if nothing arrives.
    private func read(_ fd: Int32, within seconds: Double) -> String? {
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, Int32(seconds * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    func testASlowProducerGetsEachAnswerBeforeSendingTheNextRow() throws {
        let detector = DetectorTestData.fitted
        let writer = ScoreRecordWriter(
            format: .csv, explain: 0, errorColumn: true, threshold: detector.threshold)
        var scorer = ScoreStream(detector: detector, writer: writer)
        scorer.batchSize = 256  // far more than the rows sent: answers must not wait for a full batch
        let inPipe = Pipe()
        let outPipe = Pipe()
        let finished = expectation(description: "the stream ends")
        let stream = scorer
        Thread.detachNewThread {
            _ = try? stream.run(
                input: inPipe.fileHandleForReading.fileDescriptor,
                output: outPipe.fileHandleForWriting.fileDescriptor)
            finished.fulfill()
        }
        let (x, _) = DetectorTestData.rows(count: 3, seed: 15)
        let out = outPipe.fileHandleForReading.fileDescriptor
        var received = ""
        for (i, line) in csvLines(x).enumerated() {
            inPipe.fileHandleForWriting.write(Data((line + "\n").utf8))
            while !received.contains("\n\(i),") {
                guard let more = read(out, within: 10) else {
                    return XCTFail(
                        "no answer for row \(i) while the producer waits; got \(received)")
                }
                received += more
            }
        }
        try inPipe.fileHandleForWriting.close()
        wait(for: [finished], timeout: 10)
        XCTAssertEqual(received.split(separator: "\n").count, 4)
    }

    func testNDJSONRecordsKeyedByColumnName() throws {
        let schema = DetectorSchema(exampleShape: [2], featureNames: ["width", "height"])
        let parser = StreamRowParser(schema: schema, delimiter: nil)
        var values: [Float] = []
        let good = Array(#"{"height": 2.5, "width": 1, "id": "x"}"#.utf8)
        try good.withUnsafeBufferPointer { try parser.parse($0, into: &values) }
        XCTAssertEqual(values, [1, 2.5])
        let bad = Array(#"{"height": "tall", "width": 1}"#.utf8)
        XCTAssertThrowsError(try bad.withUnsafeBufferPointer { try parser.parse($0, into: &values) }) { error in
            XCTAssertTrue((error as! StreamRowParser.LineError).message.contains("field \"height\""), "\(error)")
        }
        XCTAssertEqual(values, [1, 2.5], "a bad line leaves the batch unchanged")
        let boolean = Array(#"[true, 0]"#.utf8)  // integers 0 and 1 are numbers, true is not
        XCTAssertThrowsError(try boolean.withUnsafeBufferPointer { try parser.parse($0, into: &values) })
        let integers = Array(#"[0, 1]"#.utf8)
        try integers.withUnsafeBufferPointer { try parser.parse($0, into: &values) }
        XCTAssertEqual(values, [1, 2.5, 0, 1])
    }
}
