import Foundation
import Latent
import XCTest

/// The visual regression check of the reports a newcomer opens first: every figure of each
/// `--quick` lesson run (inline in report.html and as .svg files) passes ``SVGTextCheck``
/// (no text leaves its view box, no two labels overlap), the run card lists its files as
/// links, and a model that has not learned says so beside its figures.
final class ReportFiguresTests: XCTestCase {
    private func checkRun(_ lesson: [String], dataDir: URL?) throws -> (html: String, out: URL) {
        let out = try temporaryDirectory(self).appendingPathComponent("run")
        var arguments = lesson + ["--quick", "--quiet", "--out", out.path]
        if let dataDir { arguments += ["--data-dir", dataDir.path] }
        let result = try latent(arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        var figures = SVGTextCheck.inlineFigures(inHTML: html)
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".svg") {
            figures.append(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8))
        }
        XCTAssertFalse(figures.isEmpty, "\(lesson): no figures")
        for (i, svg) in figures.enumerated() {
            XCTAssertEqual(SVGTextCheck.problems(in: svg), [], "\(lesson) figure \(i)")
        }
        XCTAssertTrue(html.contains("<ul class=\"files\">"), "\(lesson): the file list is a list")
        XCTAssertTrue(html.contains("<a href=\"metrics.json\">metrics.json</a>"), "\(lesson): files are links")
        return (html, out)
    }

    func testDemoReportFiguresAreClean() throws {
        _ = try checkRun(["demo"], dataDir: nil)
    }

    func testLessonReportFiguresAreClean() throws {
        let datasets = try sharedDatasets()
        // The lessons with the most figure kinds (scatter with labelled means, long titles,
        // ROC, histograms, log-scale losses); the others draw the same kinds.
        for lesson in ["mnist-latent", "mnist-anomaly"] {
            _ = try checkRun(["example", lesson], dataDir: datasets)
        }
    }

    func testADenoiserThatHasNotLearnedSaysSoBesideItsFigures() throws {
        let datasets = try sharedDatasets()
        let (html, out) = try checkRun(["example", "fashion-denoise"], dataDir: datasets)
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        let (denoised, noisy) = (metrics["val_mse"] as! Double, metrics["noisy_mse"] as! Double)
        guard denoised >= noisy else {
            return XCTAssertFalse(html.contains("has not learned"), "a model that learned needs no warning")
        }
        // One epoch on 500 images: the output is worse than the noisy input, and the page says so.
        let warning = try XCTUnwrap(html.range(of: "has not learned to denoise"), "\(denoised) vs \(noisy)")
        let figures = try XCTUnwrap(html.range(of: "Noisy test images"))
        XCTAssertLessThan(warning.lowerBound, figures.lowerBound, "the warning comes before the figures")
        XCTAssertTrue(html[..<warning.lowerBound].contains("<p class=\"warning\""))
    }
}
