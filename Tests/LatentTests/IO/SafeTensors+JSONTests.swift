import XCTest

@testable import Latent

final class SafeTensorsJSONTests: XCTestCase {
    func parse(_ text: String) throws -> SafeTensorsJSON { try SafeTensorsJSON.parse(Array(text.utf8)) }

    func testKeepsOrderAndDuplicates() throws {
        let value = try parse(#" {"b": 1, "a": [true, false, null], "b": "x"} "#)
        guard case .object(let members) = value else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["b", "a", "b"])
        XCTAssertEqual(members[1].value, .array([.bool(true), .bool(false), .null]))
        XCTAssertEqual(members[2].value, .string("x"))
    }

    func testStringsAndEscapes() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t""#), .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        XCTAssertEqual(try parse(#""\u00e9\u20AC\ud83c\udf89""#), .string("é€🎉"))
        XCTAssertEqual(try parse("\"é🎉\""), .string("é🎉"))
        XCTAssertThrowsError(try parse(#""\x""#))
        XCTAssertThrowsError(try parse(#""\udc00""#))
        XCTAssertThrowsError(try parse(#""abc"#))
    }

    func testNumbers() throws {
        XCTAssertEqual(try parse("0"), .number("0"))
        XCTAssertEqual(try parse("-12.5e+3"), .number("-12.5e+3"))
        XCTAssertEqual(try parse("123").nonNegativeInteger, 123)
        XCTAssertNil(try parse("-1").nonNegativeInteger)
        XCTAssertNil(try parse("1.0").nonNegativeInteger)
        XCTAssertNil(try parse("1e2").nonNegativeInteger)
        XCTAssertNil(try parse("9223372036854775808").nonNegativeInteger)
        XCTAssertEqual(try parse("9223372036854775807").nonNegativeInteger, .max)
        for bad in ["01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity"] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
    }

    func testQuotedRoundTrips() throws {
        let text = "q\" b\\ n\n t\t c\u{01}\u{1F} é 🎉"
        XCTAssertEqual(try parse(SafeTensorsJSON.quoted(text)), .string(text))
        XCTAssertEqual(SafeTensorsJSON.quoted("\u{01}"), #""\u0001""#)
    }

    func testStructuralErrors() {
        for bad in ["", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "{1:2}", "[1 2]", "tru", "nul", "{} {}"] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
    }
}
