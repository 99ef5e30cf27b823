import Foundation
import Latent
import XCTest

@testable import latent_server

/// The infer body reader: exact numbers, JSON's corners, limits checked before storing.
final class InferenceParserTests: XCTestCase {
    let model = ServedModel(name: "tiny", detector: Fixture.detector, limits: ServerLimits())

    func parse(_ text: String, limits: ServerLimits = ServerLimits()) throws -> ParsedInference {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try parseInference($0, model: model, limits: limits) }
    }

    func message(_ text: String, limits: ServerLimits = ServerLimits()) -> String {
        do {
            _ = try parse(text, limits: limits)
            return "accepted"
        } catch let error as V2Error {
            return "\(error.status.code) \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    func testNumbersAreExactlyFloatOfTheirText() throws {
        var state: UInt64 = 12345
        var texts: [String] = []
        for i in 0..<600 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = UInt32(truncatingIfNeeded: state >> 32)
            let x = Float(bitPattern: bits)
            guard x.isFinite else { continue }
            switch i % 3 {
            case 0: texts.append("\(x)")
            case 1: texts.append(String(format: "%.9e", Double(x)))
            default: texts.append(String(format: "%.17g", Double(x) * 1.000000001))
            }
        }
        texts += ["0", "-0", "1e-45", "3.4028235e38", "0.1", "123456789012345678901234567890", "1E2", "-2.5e-3"]
        let n = texts.count / 6
        let used = Array(texts.prefix(n * 6))
        let body =
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[\(n),6],\"datatype\":\"FP32\",\"data\":[\(used.joined(separator: ","))]}]}"
        let parsed = try parse(body)
        XCTAssertEqual(parsed.values.map(\.bitPattern), used.map { Float($0)!.bitPattern })
    }

    func testNestedDataEscapesAndKeyOrder() throws {
        let parsed = try parse(
            #"{"outputs":[{"name":"score","parameters":{"binary_data":false}}],"id":"a\"b\u00e9\ud83d\ude00","inputs":[{"data":[[1,2,3,4,5,6],[7,8,9,10,11,12.5]],"datatype":"FP32","shape":[2,6],"name":"input","parameters":{"x":null}}],"parameters":{"explain":2}}"#
        )
        XCTAssertEqual(parsed.id, "a\"bé😀")
        XCTAssertEqual(parsed.values, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5])
        XCTAssertEqual(parsed.rows, 2)
        XCTAssertEqual(parsed.explain, 2)
        XCTAssertEqual(parsed.outputs, ["score"])
    }

    func testRefusals() {
        let input = #""name":"input","datatype":"FP32""#
        for (text, expected) in [
            ("", "400 the body is not a V2 inference request: expected a JSON object at byte 0"),
            ("{", "400 the body is not a V2 inference request: expected a string at byte 1"),
            ("{\"inputs\":[]}", "400 expected exactly one input tensor, got 0"),
            (
                "{\"inputs\":[{\(input),\"shape\":[1,6],\"data\":[1,2,3,4,5,\"6\"]}]}",
                "400 the body is not a V2 inference request: data element 5 is not a number at byte 77"
            ),
            (
                "{\"inputs\":[{\(input),\"shape\":[1,6],\"data\":[1,2,3,4,5,6,7]}]}",
                "400 the body is not a V2 inference request: data holds more than the 6 values its shape allows at byte 79"
            ),
            (
                "{\"inputs\":[{\(input),\"shape\":[1,6],\"data\":[1,2,3,4,5,1e39]}]}",
                "400 row 0, feature 5 is not a finite FP32 number"
            ),
            (
                "{\"inputs\":[{\(input),\"shape\":[20000,6],\"data\":[1]}]}",
                "413 input 'input' has 20000 rows; at most 10000 per request"
            ),
            (
                "{\"inputs\":[{\(input),\"shape\":[1,6],\"data\":[1,2,3,4,5,6]}]} x",
                "400 the body is not a V2 inference request: unexpected text after the JSON value at byte 83"
            ),
            (
                "{\"inputs\":[{\(input),\"shape\":[1,6],\"data\":[1,2,3,4,5,6]},{\(input)}]}",
                "400 expected exactly one input tensor, got more than one"
            ),
            (
                String(repeating: "[", count: 100),
                "400 the body is not a V2 inference request: expected a JSON object at byte 0"
            ),
            (
                "{\"a\":" + String(repeating: "[", count: 100),
                "400 the body is not a V2 inference request: nesting deeper than 64 at byte 69"
            ),
        ] {
            XCTAssertEqual(message(text), expected, text)
        }
    }

    func testTheShapeIsCheckedBeforeTheDataIsStored() {
        // 20 000 rows declared before the data: refused at once, whatever follows.
        let text =
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[20000,6],\"datatype\":\"FP32\",\"data\":[ this is never read"
        XCTAssertEqual(message(text), "413 input 'input' has 20000 rows; at most 10000 per request")
    }

    func testBinaryTensors() throws {
        let values: [Float] = [0.5, -1, 2, 3.25, 4, 5, 6, 7, 8, 9, 10, 1e-3]
        let header =
            #"{"inputs":[{"name":"input","shape":[2,6],"datatype":"FP32","parameters":{"binary_data_size":48}}]}"#
        var binary: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { binary += $0 } }
        let parsed = try Array(header.utf8).withUnsafeBufferPointer { json in
            try binary.withUnsafeBufferPointer {
                try parseInference(json, binary: $0, model: model, limits: ServerLimits())
            }
        }
        XCTAssertEqual(parsed.values, values)
        XCTAssertThrowsError(
            try Array(header.utf8).withUnsafeBufferPointer { json in
                try binary.dropLast(4).withUnsafeBufferPointer {
                    try parseInference(json, binary: $0, model: model, limits: ServerLimits())
                }
            })
    }
}
