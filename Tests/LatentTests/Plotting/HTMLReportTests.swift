import Foundation
import XCTest

@testable import Latent

final class HTMLReportTests: XCTestCase {
    func testReportEmbedsFiguresAndEscapesText() throws {
        var plot = LinePlot(title: "Loss")
        plot.add("train", y: [1.0, 0.5])
        let svg = plot.svg()
        let png = PNGImage(grayscale: [0, 1, 1, 0], width: 2, height: 2).pngData()

        var report = HTMLReport(title: "Run <1> & co", subtitle: "notes \"quoted\"")
        report.addParagraph("x < y")
        report.addMetrics(
            ["AUC": 0.93456, "samples": 10000, "model": "<dense>"], title: "Detection")
        report.addSection("Figures")
        report.addFigure(svg: "<?xml version=\"1.0\"?>\n" + svg, caption: "Loss & more")
        report.addFigure(png: png, caption: "Digits", width: .half)
        report.addFigure(png: png, caption: "Errors", width: .half)
        report.addPreformatted("Dense(784 -> 32)\n<relu>", title: "Model")
        let html = report.html()

        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<title>Run &lt;1&gt; &amp; co</title>"))
        XCTAssertTrue(html.contains("notes &quot;quoted&quot;"))
        XCTAssertTrue(html.contains("<p>x &lt; y</p>"))
        XCTAssertTrue(html.contains("<td>0.9346</td>"))
        XCTAssertTrue(html.contains("<td>10,000</td>"))
        XCTAssertTrue(html.contains("<td>&lt;dense&gt;</td>"))
        XCTAssertTrue(html.contains("<pre>Dense(784 -&gt; 32)\n&lt;relu&gt;</pre>"))
        XCTAssertTrue(html.contains("<figcaption>Loss &amp; more</figcaption>"))
        // The SVG is inlined verbatim, without its XML declaration.
        XCTAssertTrue(html.contains(svg))
        XCTAssertFalse(html.contains("<?xml"))
        // The PNG is embedded as a data URI that decodes back to the same bytes.
        let marker = "data:image/png;base64,"
        let start = try XCTUnwrap(html.range(of: marker)).upperBound
        let end = try XCTUnwrap(html[start...].firstIndex(of: "\""))
        XCTAssertEqual(Data(base64Encoded: String(html[start..<end])), png)
        XCTAssertEqual(html.components(separatedBy: marker).count - 1, 2)
        // Two half-width figures share one row; nothing refers to an outside resource.
        XCTAssertEqual(html.components(separatedBy: "class=\"figure-row\"").count - 1, 1)
        XCTAssertFalse(html.contains("src=\"http"))
        XCTAssertFalse(html.contains("<link"))
    }

    func testEmptyIntroIsOmitted() {
        var report = HTMLReport(title: "R")
        report.addSection("Only")
        XCTAssertEqual(report.html().components(separatedBy: "<section").count - 1, 1)
    }

    func testMetricFormatting() {
        let cases: [(MetricValue, String)] = [
            (.number(0.934567), "0.9346"), (.number(12.3456), "12.35"), (.number(0.0123), "0.0123"),
            (.number(123456.7), "123,457"), (.number(1234.6), "1235"),
            (.number(0.0000123), "1.23e-5"),
            (.number(2.5e9), "2.5e9"), (.number(-0.5), "−0.5"), (.number(9.99996), "10"),
            (.number(0), "0"),
            (.number(.nan), "NaN"), (.number(.infinity), "∞"), (.integer(60000), "60,000"),
            (.integer(-1234), "−1234"),
            (.percent(0.953), "95.3%"), (.text("dense"), "dense"),
        ]
        for (value, expected) in cases { XCTAssertEqual(value.formatted, expected, "\(value)") }
    }
}
