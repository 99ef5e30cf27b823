import XCTest

@testable import Latent

/// The JSON string escapes the safetensors header and the server's infer body share.
final class JSONEscapeTests: XCTestCase {
    /// Decodes `text` as the escape after a backslash; returns the UTF-8 and the index after it.
    func decode(_ text: String) throws -> (String, Int) {
        let bytes = Array(text.utf8)
        var utf8: [UInt8] = []
        var i = 0
        try bytes.withUnsafeBufferPointer { buffer throws(JSONEscape.Failure) in
            try JSONEscape.decode(buffer, at: &i, into: &utf8)
        }
        return (String(decoding: utf8, as: UTF8.self), i)
    }

    func failure(_ text: String) -> (String, Int)? {
        let bytes = Array(text.utf8)
        var utf8: [UInt8] = []
        var i = 0
        do {
            try bytes.withUnsafeBufferPointer { buffer throws(JSONEscape.Failure) in
                try JSONEscape.decode(buffer, at: &i, into: &utf8)
            }
            return nil
        } catch {
            return (error.message, i)
        }
    }

    func testEveryEscape() throws {
        let cases: [(String, String)] = [
            ("\"", "\""), (#"\"#, "\\"), ("/", "/"), ("b", "\u{08}"), ("f", "\u{0C}"),
            ("n", "\n"), ("r", "\r"), ("t", "\t"), ("u00e9", "é"), ("u20AC", "€"),
            (#"ud83d\ude00"#, "😀"),  // a surrogate pair is one scalar
        ]
        for (text, expected) in cases {
            let (decoded, end) = try decode(text + "rest")
            XCTAssertEqual(decoded, expected, text)
            XCTAssertEqual(end, text.utf8.count, "stops just after the escape: \(text)")
        }
    }

    func testRefusals() {
        XCTAssertEqual(failure("")?.0, "unterminated escape")
        XCTAssertEqual(failure("x")?.0, "invalid escape")
        XCTAssertEqual(failure("x")?.1, 0, "points at the bad byte")
        XCTAssertEqual(failure("u12")?.0, "invalid \\u escape")
        XCTAssertEqual(failure("u12g4")?.0, "invalid \\u escape")
        XCTAssertEqual(failure("ud800")?.0, "lone surrogate in \\u escape")
        XCTAssertEqual(failure(#"ud800\u0041"#)?.0, "invalid surrogate pair")
        XCTAssertEqual(failure("udc00")?.0, "lone surrogate in \\u escape")
    }
}
