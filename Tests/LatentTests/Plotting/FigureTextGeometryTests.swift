import Foundation
import XCTest

@testable import Latent

/// The figure flaws a newcomer saw in the reports, checked from the SVG's own text
/// geometry (``SVGTextCheck``): titles wider than the plot, point labels over each other,
/// log axes with two ticks, a lone "1.00" epoch tick, and every chart the reports draw.
final class FigureTextGeometryTests: XCTestCase {
    private func assertClean(_ svg: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let problems = SVGTextCheck.problems(in: svg)
        XCTAssertEqual(problems, [], what, file: file, line: line)
    }

    func testTheCheckFindsOverflowAndOverlap() {
        let svg = """
            <svg viewBox="0 0 200 100"><text x="-30" y="20" font-size="15">a title too wide for it</text>
            <text x="100" y="60" font-size="12">mean of 6s</text><text x="104" y="62" font-size="12">mean of 0s</text></svg>
            """
        let problems = SVGTextCheck.problems(in: svg)
        XCTAssertTrue(problems.contains { $0.contains("leaves the 200×100 view box") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("'mean of 6s' overlaps 'mean of 0s'") }, "\(problems)")
        // Rotated text: a y label turned -90° about its anchor.
        let boxes = SVGTextCheck.textBoxes(
            in:
                #"<svg viewBox="0 0 100 100"><text x="18" y="50" font-size="10" text-anchor="middle" transform="rotate(-90 18 50)">abcd</text></svg>"#
        )
        XCTAssertEqual(boxes.count, 1)
        XCTAssertLessThan(boxes[0].maxX - boxes[0].minX, 12)
        XCTAssertGreaterThan(boxes[0].maxY - boxes[0].minY, 20)
    }

    func testLongTitlesStayInsideTheFigure() {
        let title =
            "ml-l2codes: a dense autoencoder with an L2 penalty on its codes, trained on MNIST digits for twenty epochs"
        var plot = LinePlot(title: title, xLabel: "epoch", yLabel: "loss")
        plot.add("training", y: [0.3, 0.2, 0.15, 0.12])
        assertClean(plot.svg(), "long title")
        var narrow = ROCPlot(title: "Test ROC: a rather long title for a narrow figure")
        narrow.add("detector", falsePositiveRate: [0, 0.5, 1], truePositiveRate: [0, 0.9, 1])
        assertClean(narrow.svg(), "ROC title")
    }

    func testNearbyPointLabelsNeverOverlap() {
        var plot = ScatterPlot(title: "Latent codes", xLabel: "z₁", yLabel: "z₂")
        plot.add("digits", x: (0..<200).map { cos(Double($0)) }, y: (0..<200).map { sin(Double($0) * 1.3) })
        var figure = plot.makeFigure()
        figure.addAnnotation(x: 0.10, y: 0.10, text: "mean of 6s")
        figure.addAnnotation(x: 0.12, y: 0.11, text: "mean of 0s")
        figure.addAnnotation(x: 0.11, y: 0.09, text: "mean of 8s")
        assertClean(figure.svg(), "three class means in one place")
    }

    func testLogAxisSaysSoAndHasEnoughTicks() {
        var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "MAE", logY: true)
        plot.add("training", y: (0..<30).map { 0.08 * pow(0.97, Double($0)) })
        let svg = plot.svg()
        XCTAssertTrue(svg.contains("MAE (log scale)"), svg)
        let layout = plot.makeFigure().layout()
        XCTAssertGreaterThanOrEqual(layout.yTicks.count, 3, "\(layout.yTicks.map(\.label))")
        assertClean(svg, "log loss plot")
    }

    func testOneEpochPlotLabelsAWholeNumber() {
        var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "MSE")
        plot.add("training", y: [0.161], markers: true)
        let labels = plot.makeFigure().layout().xTicks.map(\.label)
        XCTAssertFalse(labels.contains("1.00"), "\(labels)")
        XCTAssertTrue(labels.contains("1"), "\(labels)")
        assertClean(plot.svg(), "one-epoch plot")
    }

    func testTheDetectorReportFiguresAreClean() {
        var generator = RandomGenerator(seed: 1)
        let normal = (0..<400).map { _ in generator.nextNormal() * 0.1 + 0.3 }
        let anomalous = (0..<60).map { _ in generator.nextNormal() * 0.2 + 0.8 }
        let scores = normal + anomalous
        let labels = [Bool](repeating: false, count: 400) + [Bool](repeating: true, count: 60)
        let roc = try! ROCCurve(scores: scores, labels: labels)
        var rocPlot = ROCPlot(title: "ROC (anomaly = positive)")
        rocPlot.add(
            "detector (AUC 0.990)", falsePositiveRate: roc.falsePositiveRates, truePositiveRate: roc.truePositiveRates)
        rocPlot.addOperatingPoint(
            falsePositiveRate: 0.05, truePositiveRate: 0.93, label: "threshold (fpr:0.05@0.9:simes)")
        assertClean(rocPlot.svg(), "ROC")
        var histogram = Histogram(title: "Scores by label", xLabel: "score", binCount: 50, normalization: .fraction)
        histogram.add("normal rows", values: normal)
        histogram.add("anomalous rows", values: anomalous)
        histogram.addThreshold(0.5, label: "threshold")
        let svg = histogram.svg()
        assertClean(svg, "histogram")
        XCTAssertEqual(SVGTextCheck.viewBox(of: svg)!.width, SVGTextCheck.viewBox(of: rocPlot.svg())!.width)
        XCTAssertEqual(SVGTextCheck.viewBox(of: svg)!.height, SVGTextCheck.viewBox(of: rocPlot.svg())!.height)
    }

    func testHeatMapColorBarIsLabelledAndClean() {
        let svg = HeatMap.colorBarSVG(range: 0...0.42, label: "per-pixel error |x − x̂|")
        assertClean(svg, "colour bar")
        let labels = SVGTextCheck.textBoxes(in: svg).map(\.text)
        XCTAssertEqual(labels, ["per-pixel error |x − x̂|", "0", "0.21", "0.42"])
        XCTAssertTrue(svg.contains("linearGradient"))
    }
}
