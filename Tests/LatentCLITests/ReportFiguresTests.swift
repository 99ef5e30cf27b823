import Foundation
import Latent
import XCTest

/// The visual regression check of the reports a newcomer opens first: every figure of each
/// `--quick` lesson run (inline in report.html and as .svg files) passes ``SVGTextCheck``
/// (no text leaves its view box, no two labels overlap), the run card lists its files as
/// links, and a model that has not learned says so beside its figures.
final class ReportFiguresTests: XCTestCase {
    private func checkRun(_ lesson: [String], dataDir: URL?) throws -> String {
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
        return html
    }

    func testDemoReportFiguresAreClean() throws {
        _ = try checkRun(["demo"], dataDir: nil)
    }

    func testLessonReportFiguresAreClean() throws {
        let datasets = try sharedDatasets()
        for lesson in ["fashion-ae", "mnist-latent", "mnist-generate", "mnist-anomaly"] {
            _ = try checkRun(["example", lesson], dataDir: datasets)
        }
    }

    func testADenoiserThatHasNotLearnedSaysSoBesideItsFigures() throws {
        let datasets = try sharedDatasets()
        let html = try checkRun(["example", "fashion-denoise", "--epochs", "1"], dataDir: datasets)
        // One epoch on 500 images: the quick run's output is worse than its noisy input.
        guard let warning = html.range(of: "has not learned to denoise") else {
            return XCTAssertTrue(html.contains("Denoising"), "a quick run that learned needs no warning")
        }
        let figures = try XCTUnwrap(html.range(of: "Noisy test images"))
        XCTAssertLessThan(warning.lowerBound, figures.lowerBound, "the warning comes before the figures")
        XCTAssertTrue(html[..<warning.lowerBound].contains("<p class=\"warning\""))
    }
}
