import XCTest

@testable import Latent

/// Hostile and broken files: each must be refused with the rule it breaks, the file's
/// name in the message, and no crash or allocation sized by the header.
final class SafeTensorsHeaderTests: XCTestCase {
    let source = "hostile.safetensors"

    /// A file from a header text and buffer, with the true header length unless `length`
    /// overrides it.
    func file(_ header: String, buffer: [UInt8] = [], length: UInt64? = nil) -> Data {
        let bytes = Array(header.utf8)
        var data = Data()
        withUnsafeBytes(of: (length ?? UInt64(bytes.count)).littleEndian) { data.append(contentsOf: $0) }
        return data + bytes + buffer
    }

    func entry(_ name: String, _ dtype: String = "F32", shape: String, offsets: String) -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    func assertRefused(
        _ data: Data, _ rule: SafeTensorsError.Rule, mentioning fragment: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try SafeTensors.decode(data, source: source), file: file, line: line) { error in
            guard let e = error as? SafeTensorsError else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertEqual(e.rule, rule, "\(e)", file: file, line: line)
            XCTAssertEqual(e.source, source, file: file, line: line)
            XCTAssertTrue("\(e)".hasPrefix("\(source) is not a valid safetensors file: "), file: file, line: line)
            if let fragment {
                XCTAssertTrue(e.detail.contains(fragment), "\(e.detail)", file: file, line: line)
            }
        }
    }

    func testFileShorterThanTheLengthField() {
        assertRefused(Data(), .fileTooShort)
        assertRefused(Data([1, 2, 3]), .fileTooShort, mentioning: "3 bytes")
    }

    func testHeaderLengthAboveTheLimitOrBeyondTheFile() {
        assertRefused(file("{}", length: 100_000_001), .headerTooLarge, mentioning: "100000001")
        assertRefused(file("{}", length: .max), .headerTooLarge)
        assertRefused(file("{}", length: 100_000_000), .headerBeyondFile, mentioning: "truncated")
        assertRefused(file("{}", length: 3), .headerBeyondFile)
    }

    func testHeaderMustBeUTF8JSONObject() {
        assertRefused(Data([2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF]), .headerNotUTF8)
        assertRefused(Data([4, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xC0, 0x80, 0x7D]), .headerNotUTF8)  // overlong NUL
        assertRefused(Data([5, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xED, 0xA0, 0x80, 0x7D]), .headerNotUTF8)  // surrogate
        assertRefused(Data([3, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xE2, 0x82]), .headerNotUTF8)  // cut-off sequence
        assertRefused(file(""), .headerNotObject)
        assertRefused(file("[1, 2]"), .headerNotObject)
        assertRefused(file(" {}"), .headerNotObject, mentioning: "beginning with '{'")
        assertRefused(file(#"{"a": }"#), .headerNotJSON, mentioning: "at byte 6")
        assertRefused(file(#"{"a":{"dtype":"F32""#), .headerNotJSON)
        assertRefused(file("{} x"), .headerNotJSON, mentioning: "after the JSON value")
        assertRefused(file(#"{"a":01}"#), .headerNotJSON)
        assertRefused(file("{\"a\u{01}\":1}"), .headerNotJSON, mentioning: "control character")
        assertRefused(file(#"{"\ud800":1}"#), .headerNotJSON, mentioning: "surrogate")
        // Deep nesting is refused before it can exhaust the stack.
        let deep = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        assertRefused(file(deep), .headerNotJSON, mentioning: "nested too deeply")
    }

    func testMetadataMustMapStringsToStrings() throws {
        assertRefused(file(#"{"__metadata__":{"epoch":3}}"#), .invalidMetadata, mentioning: "'epoch'")
        assertRefused(file(#"{"__metadata__":["a"]}"#), .invalidMetadata)
        assertRefused(file(#"{"__metadata__":{"a":"1","a":"2"}}"#), .invalidMetadata, mentioning: "more than once")
        // `null` is what the reference reader accepts for "no metadata".
        XCTAssertEqual(try SafeTensors.decode(file(#"{"__metadata__":null}"#), source: source).metadata, [:])
    }

    func testTensorEntriesNeedTheirFields() {
        let four = [UInt8](repeating: 0, count: 4)
        assertRefused(
            file(#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, buffer: four),
            .invalidTensorEntry, mentioning: "no 'dtype' field")
        assertRefused(
            file(#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, buffer: four),
            .invalidTensorEntry, mentioning: "no 'shape' field")
        assertRefused(
            file(#"{"w":{"dtype":"F32","shape":[1]}}"#, buffer: four),
            .invalidTensorEntry, mentioning: "no 'data_offsets' field")
        assertRefused(file(#"{"w":7}"#), .invalidTensorEntry, mentioning: "not an object")
        assertRefused(file(#"{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#, buffer: four), .invalidTensorEntry)
        for shape in ["[-1]", "[1.0]", "[1e0]", "[\"1\"]", "1", "[99999999999999999999]"] {
            assertRefused(
                file("{" + entry("w", shape: shape, offsets: "[0,4]") + "}", buffer: four),
                .invalidTensorEntry, mentioning: "'shape'")
        }
        for offsets in ["[0]", "[0,4,8]", "[-4,0]", "[0,4.5]", "{}"] {
            assertRefused(
                file("{" + entry("w", shape: "[1]", offsets: offsets) + "}", buffer: four),
                .invalidTensorEntry, mentioning: "'data_offsets'")
        }
        assertRefused(
            file(#"{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, buffer: four),
            .invalidTensorEntry, mentioning: "twice")
    }

    func testUnknownDType() {
        assertRefused(
            file("{" + entry("w", "F33", shape: "[1]", offsets: "[0,4]") + "}", buffer: [0, 0, 0, 0]),
            .unknownDType, mentioning: "'F33'")
    }

    func testShapeProductOverflow() {
        // 2³² · 2³² overflows a 64-bit count; 2⁶² elements fit but not their 2⁶⁴ bytes.
        assertRefused(
            file(
                "{" + entry("w", shape: "[4294967296,4294967296]", offsets: "[0,4]") + "}",
                buffer: [0, 0, 0, 0]), .shapeOverflow)
        assertRefused(
            file(
                "{" + entry("w", shape: "[4611686018427387904]", offsets: "[0,4]") + "}",
                buffer: [0, 0, 0, 0]), .shapeOverflow, mentioning: "bytes")
    }

    func testByteCountMustMatchTheShape() {
        // A huge shape with small offsets is refused without allocating for the shape.
        assertRefused(
            file("{" + entry("w", shape: "[1000000000000]", offsets: "[0,4]") + "}", buffer: [0, 0, 0, 0]),
            .byteCountMismatch, mentioning: "4000000000000 bytes")
        assertRefused(
            file("{" + entry("w", shape: "[2]", offsets: "[0,4]") + "}", buffer: [0, 0, 0, 0]),
            .byteCountMismatch)
    }

    func testOffsetsMustLieInsideTheBuffer() {
        assertRefused(
            file("{" + entry("w", shape: "[2]", offsets: "[0,8]") + "}", buffer: [0, 0, 0, 0]),
            .offsetsOutOfBounds, mentioning: "truncated")
        assertRefused(
            file("{" + entry("w", shape: "[0]", offsets: "[4,0]") + "}", buffer: [0, 0, 0, 0]),
            .offsetsOutOfBounds, mentioning: "end before they begin")
        assertRefused(
            file(
                "{" + entry("w", shape: "[1]", offsets: "[9223372036854775803,9223372036854775807]") + "}",
                buffer: [0, 0, 0, 0]), .offsetsOutOfBounds)
    }

    func testTensorsMustNotOverlap() {
        let header =
            "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[4,12]") + "}"
        assertRefused(file(header, buffer: .init(repeating: 0, count: 12)), .overlappingTensors, mentioning: "'a'")
        // The same bytes claimed twice: the classic "zip bomb" of tensor formats.
        let twice =
            "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[0,4]") + "}"
        assertRefused(file(twice, buffer: [0, 0, 0, 0]), .overlappingTensors)
    }

    func testBufferMustHaveNoGaps() {
        let gap =
            "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[8,12]") + "}"
        assertRefused(file(gap, buffer: .init(repeating: 0, count: 12)), .gapInBuffer, mentioning: "bytes 4..<8")
        assertRefused(
            file("{" + entry("a", shape: "[1]", offsets: "[4,8]") + "}", buffer: .init(repeating: 0, count: 8)),
            .gapInBuffer, mentioning: "bytes 0..<4")
        assertRefused(
            file("{" + entry("a", shape: "[1]", offsets: "[0,4]") + "}", buffer: .init(repeating: 0, count: 8)),
            .gapInBuffer, mentioning: "cover only the first 4")
        assertRefused(file("{}", buffer: [1]), .gapInBuffer)
    }

    func testDuplicateNames() {
        let header =
            "{" + entry("w", shape: "[1]", offsets: "[0,4]") + "," + entry("w", shape: "[1]", offsets: "[4,8]") + "}"
        assertRefused(file(header, buffer: .init(repeating: 0, count: 8)), .duplicateName, mentioning: "'w'")
    }

    func testTensorsMayBeListedOutOfBufferOrder() throws {
        let header =
            "{" + entry("b", shape: "[1]", offsets: "[4,8]") + "," + entry("a", shape: "[1]", offsets: "[0,4]")
            + "," + entry("z", shape: "[0,3]", offsets: "[8,8]") + "}"
        let decoded = try SafeTensors.decode(file(header, buffer: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]), source: source)
        XCTAssertEqual(decoded.order, ["b", "a", "z"])
        XCTAssertEqual(decoded.tensors["a"]?.scalars, [1])
        XCTAssertEqual(decoded.tensors["b"]?.scalars, [2])
        XCTAssertEqual(decoded.tensors["z"]?.shape, [0, 3])
    }

    func testEveryTruncationIsRefused() {
        let data = SafeTensors.encode(
            [("a", Tensor([1, 2, 3])), ("b", Tensor([[4, 5], [6, 7]]))], metadata: ["k": "v"])
        for length in 0..<data.count {
            XCTAssertThrowsError(try SafeTensors.decode(data.prefix(length), source: source), "prefix \(length)") {
                XCTAssertTrue($0 is SafeTensorsError, "prefix \(length): \($0)")
            }
        }
    }

    /// Random byte corruptions either still decode or are refused with a
    /// SafeTensorsError; none may crash.
    func testCorruptedBytesNeverCrash() {
        let original = SafeTensors.encode(
            [("a", Tensor([1, 2, 3])), ("b", Tensor([[4, 5], [6, 7]]))], metadata: ["k": "v"])
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for _ in 0..<3000 {
            var data = original
            for _ in 0..<(1 + next() % 3) {
                let i = next() % data.count
                data[i] = UInt8(truncatingIfNeeded: next())
            }
            do {
                _ = try SafeTensors.decode(data, source: source)
            } catch {
                XCTAssertTrue(error is SafeTensorsError, "\(error)")
            }
        }
    }
}
