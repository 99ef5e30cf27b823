import XCTest

@testable import Latent

final class SVGDocumentTests: XCTestCase {
    func testNumbersRoundToOneDecimal() {
        XCTAssertEqual(SVGDocument.number(12), "12")
        XCTAssertEqual(SVGDocument.number(12.34), "12.3")
        XCTAssertEqual(SVGDocument.number(-3.45), "-3.5")
        XCTAssertEqual(SVGDocument.number(-0.04), "0")
        XCTAssertEqual(SVGDocument.number(.nan), "0")
        XCTAssertEqual(SVGDocument.opacity(0.45), "0.45")
        XCTAssertEqual(SVGDocument.opacity(0.6), "0.6")
        XCTAssertEqual(SVGDocument.opacity(0.05), "0.05")
    }

    func testEscapingMakesAnyTextSafe() throws {
        let nasty = "a < b && c > \"d\" 'e' \u{1} </text><script>"
        XCTAssertEqual(SVGDocument.escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;")
        var doc = SVGDocument(width: 100, height: 50)
        doc.text(nasty, x: 1, y: 2, size: 10)
        let check = try SVGCheck.parse(doc.rendered(id: "t", fontFamily: "a \"b\""))
        XCTAssertEqual(check.texts, ["a < b && c > \"d\" 'e'  </text><script>"])  // control character dropped
        XCTAssertEqual(check.elements(named: "script").count, 0)
    }

    func testIdTokenIsReplacedEverywhere() {
        var doc = SVGDocument(width: 10, height: 10)
        doc.appendRaw("<g clip-path=\"url(#\(SVGDocument.idToken)-plot)\"/>")
        let svg = doc.rendered(id: "fig-1", fontFamily: "sans-serif")
        XCTAssertTrue(svg.contains("id=\"fig-1\""))
        XCTAssertTrue(svg.contains("url(#fig-1-plot)"))
        XCTAssertFalse(svg.contains(SVGDocument.idToken))
    }
}
