import XCTest

@testable import Latent

/// Each chart kind parses as XML and contains its title, legend labels and marks.
final class ChartTests: XCTestCase {
    func testLinePlotHasOneLinePerSeries() throws {
        var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "MSE")
        plot.add("training", y: [Float(0.5), 0.3, 0.2])
        plot.add("validation", x: [1.0, 2, 3], y: [0.6, 0.4, 0.35], style: .dashed)
        let check = try SVGCheck.parse(plot.svg())
        XCTAssertTrue(
            ["Loss", "epoch", "MSE", "training", "validation"].allSatisfy(check.texts.contains))
        let lines = check.elements(named: "path").filter { $0.attributes["stroke-width"] == "2" }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1].attributes["stroke-dasharray"], "6 4")
        XCTAssertEqual(lines[0].attributes["stroke"], RGBColor.category(0).hexString)
        XCTAssertEqual(lines[1].attributes["stroke"], RGBColor.category(1).hexString)
    }

    func testScatterPlotLegendsEveryCategoryAndDrawsEveryPoint() throws {
        let n = 12_000
        var plot = ScatterPlot(title: "Latent", xLabel: "z1", yLabel: "z2")
        plot.add(
            x: (0..<n).map { Float($0 % 97) }, y: (0..<n).map { Float($0 % 89) },
            categories: (0..<n).map { $0 % 10 })
        plot.addPath("path", x: [0.0, 50, 90], y: [0.0, 40, 80])
        plot.highlight(x: [10.0], y: [20.0], labels: ["start"])
        let svg = plot.svg()
        let check = try SVGCheck.parse(svg)
        XCTAssertTrue((0..<10).map(String.init).allSatisfy(check.texts.contains))
        XCTAssertTrue(check.texts.contains("path") && check.texts.contains("start"))
        let dots = check.elements(named: "circle").filter { $0.attributes["r"] == "1.8" }
        XCTAssertEqual(dots.count, n)
        XCTAssertEqual(Set(dots.compactMap { $0.attributes["fill"] }).count, 10)
        // Coordinates carry at most one decimal.
        let coordinate = try XCTUnwrap(dots.first?.attributes["cx"])
        XCTAssertLessThanOrEqual(
            coordinate.split(separator: ".").last!.count, coordinate.contains(".") ? 1 : 9)
        XCTAssertLessThan(svg.utf8.count, n * 60)
    }

    func testHistogramBinsAndThreshold() throws {
        XCTAssertEqual(
            Histogram.counts([0, 0.1, 0.5, 0.99, 1, 1.5, .nan], edges: [0, 0.5, 1]), [2, 3])
        var plot = Histogram(
            title: "Scores", xLabel: "score", binCount: 4, normalization: .fraction)
        plot.add("normal", values: [0.0, 1, 1, 2])
        plot.add("anomalous", values: [3.0, 4, 4, 4])
        plot.addThreshold(2.5, label: "threshold 2.5")
        XCTAssertEqual(plot.edges(), [0, 1, 2, 3, 4])
        let figure = plot.makeFigure()
        guard case .bars(let normal) = figure.marks[0], case .bars(let anomalous) = figure.marks[1]
        else {
            return XCTFail("expected two bar marks")
        }
        XCTAssertEqual(normal.heights, [0.25, 0.5, 0.25, 0])
        XCTAssertEqual(anomalous.heights, [0, 0, 0, 1])  // 3 is in [3, 4], 4 is the inclusive end
        let check = try SVGCheck.parse(plot.svg())
        XCTAssertTrue(
            ["Scores", "score", "fraction", "normal", "anomalous", "threshold 2.5"].allSatisfy(
                check.texts.contains))
        XCTAssertTrue(
            check.elements(named: "path").contains { $0.attributes["stroke-dasharray"] == "6 4" })
    }

    func testHistogramDensityIntegratesToOne() {
        var plot = Histogram(binCount: 7, normalization: .density)
        plot.add("x", values: (0..<1000).map { sin(Double($0)) })
        guard case .bars(let bars) = plot.makeFigure().marks[0] else {
            return XCTFail("expected bars")
        }
        let area = zip(bars.heights, zip(bars.edges, bars.edges.dropFirst())).reduce(0) {
            $0 + $1.0 * ($1.1.1 - $1.1.0)
        }
        XCTAssertEqual(area, 1, accuracy: 1e-9)
    }

    func testROCPlotHasChanceLineAndLegendText() throws {
        var plot = ROCPlot()
        plot.add(
            "model (AUC 0.90)", falsePositiveRate: [0.0, 0.1, 1], truePositiveRate: [0.0, 0.8, 1])
        plot.addOperatingPoint(falsePositiveRate: 0.1, truePositiveRate: 0.8, label: "t = 0.3")
        let check = try SVGCheck.parse(plot.svg())
        XCTAssertTrue(
            [
                "ROC curve", "false positive rate", "true positive rate", "model (AUC 0.90)",
                "chance", "t = 0.3",
            ]
            .allSatisfy(check.texts.contains), "\(check.texts)")
        XCTAssertTrue(["0", "0.2", "0.4", "0.6", "0.8", "1.0"].allSatisfy(check.texts.contains))
        XCTAssertTrue(
            check.elements(named: "path").contains {
                $0.attributes["stroke"] == RGBColor.chanceGrey.hexString
                    && $0.attributes["stroke-dasharray"] != nil
            })
    }

    func testPrecisionRecallPlot() throws {
        var plot = PrecisionRecallPlot()
        plot.add("model (AP 0.7)", recall: [0.0, 0.5, 1], precision: [1.0, 0.8, 0.2])
        plot.addBaseline(positiveFraction: 0.1)
        let check = try SVGCheck.parse(plot.svg())
        XCTAssertTrue(
            ["recall", "precision", "model (AP 0.7)", "chance"].allSatisfy(check.texts.contains))
    }

    func testSignalPlotShadesTheErrorBetweenTheLines() throws {
        let plot = SignalPlot(
            title: "Beat", input: [0.0, 1, 0, -1], reconstruction: [Float(0), 0.5, 0, -0.5])
        let check = try SVGCheck.parse(plot.svg())
        XCTAssertTrue(
            ["Beat", "input", "reconstruction", "error"].allSatisfy(check.texts.contains))
        let band = try XCTUnwrap(
            check.elements(named: "path").first {
                $0.attributes["fill"] == SignalPlot.errorColor.hexString
            })
        XCTAssertEqual(band.attributes["fill-opacity"], "0.25")
        XCTAssertTrue(band.attributes["d"]!.hasSuffix("Z"))
    }
}
