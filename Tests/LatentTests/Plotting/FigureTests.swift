import XCTest

@testable import Latent

final class FigureTests: XCTestCase {
    func testFrameHasTitleAxisLabelsTicksAndGrid() throws {
        var figure = Figure(title: "T & <U>", xLabel: "epoch", yLabel: "loss")
        figure.addLine(x: [1.0, 2, 3, 4], y: [0.4, 0.3, 0.25, 0.2], label: "train")
        let svg = figure.svg()
        let check = try SVGCheck.parse(svg)
        XCTAssertTrue(check.texts.contains("T & <U>"))
        XCTAssertTrue(check.texts.contains("epoch"))
        XCTAssertTrue(check.texts.contains("loss"))
        XCTAssertTrue(check.texts.contains("train"))
        let root = try XCTUnwrap(check.elements.first)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["viewBox"], "0 0 640 420")
        // Tick labels are the nice numbers covering the data.
        XCTAssertTrue(
            ["1.0", "1.5", "2.0", "3.0", "4.0"].allSatisfy(check.texts.contains), "\(check.texts)")
        XCTAssertTrue(
            ["0.20", "0.25", "0.30", "0.40"].allSatisfy(check.texts.contains), "\(check.texts)")
        // Integer x ticks on request (epochs).
        figure.xTicksAreIntegers = true
        let integral = try SVGCheck.parse(figure.svg())
        XCTAssertTrue(
            ["1", "2", "3", "4"].allSatisfy(integral.texts.contains), "\(integral.texts)")
        XCTAssertFalse(integral.texts.contains("1.5"))
    }

    func testNonFiniteValuesAreSkippedAndBreakLines() throws {
        var figure = Figure()
        figure.addLine(x: [0.0, 1, 2, 3, 4, 5], y: [1.0, .nan, 2, 3, .infinity, 4])
        figure.addPoints(x: [Double.nan, 1, 2], y: [1.0, -.infinity, 2])
        figure.addBars(edges: [0.0, 1, 2], heights: [Double.nan, 3])
        figure.addBand(x: [0.0, 1, 2], lower: [0.0, .nan, 1], upper: [1.0, 1, 2])
        let svg = figure.svg()
        XCTAssertFalse(svg.lowercased().contains("nan"))
        XCTAssertFalse(svg.lowercased().contains("inf"))
        let check = try SVGCheck.parse(svg)
        let line = try XCTUnwrap(
            check.elements(named: "path").first { $0.attributes["stroke-width"] == "2" })
        let d = try XCTUnwrap(line.attributes["d"])
        // Three runs: [0], [2, 3], [5].
        XCTAssertEqual(d.filter { $0 == "M" }.count, 3, d)
        XCTAssertEqual(d.filter { $0 == "L" }.count, 1, d)
        XCTAssertEqual(check.elements(named: "circle").count, 1)  // only (2, 2) is drawable
    }

    func testLogAxisSkipsNonPositiveValuesAndUsesDecadeTicks() throws {
        var figure = Figure()
        figure.yScale = .log
        figure.addLine(x: [1.0, 2, 3, 4], y: [0.5, 0.05, 0, 0.005])
        let check = try SVGCheck.parse(figure.svg())
        XCTAssertTrue(["0.01", "0.1"].allSatisfy(check.texts.contains), "\(check.texts)")
        let d = try XCTUnwrap(
            check.elements(named: "path").first { $0.attributes["stroke-width"] == "2" }?
                .attributes["d"])
        XCTAssertEqual(d.filter { $0 == "M" }.count, 2, d)
    }

    func testEmptyAndDegenerateFiguresStillRender() throws {
        XCTAssertNoThrow(try SVGCheck.parse(Figure(title: "empty").svg()))
        var flat = Figure()
        flat.addLine(x: [1.0, 1], y: [5.0, 5])
        let check = try SVGCheck.parse(flat.svg())
        XCTAssertGreaterThanOrEqual(check.texts.count, 4)  // ticks around the single value
    }

    func testLegendPlacementAvoidsData() throws {
        var figure = Figure()
        // Data fills the top-right; the legend should go elsewhere.
        let xs: [Double] = (0..<200).map { 5 + Double($0 % 20) / 4 }
        let ys: [Double] = (0..<200).map { 5 + Double($0 / 20) / 2 }
        figure.addPoints(x: xs, y: ys, label: "cluster")
        figure.addPoints(x: [0.0], y: [0.0], label: "origin")
        let layout = figure.layout()
        let origin = try XCTUnwrap(figure.legendOrigin(layout))
        let (w, h) = figure.legendSize()
        let covered = figure.occupiedPixels(layout).filter {
            $0.0 >= origin.x && $0.0 <= origin.x + w && $0.1 >= origin.y && $0.1 <= origin.y + h
        }
        XCTAssertTrue(covered.isEmpty, "legend at \(origin) covers \(covered.count) points")
    }

    func testIdsDifferBetweenFiguresAndClipPathResolves() throws {
        var a = Figure(title: "a")
        var b = Figure(title: "b")
        a.addLine(x: [0.0, 1], y: [0.0, 1])
        b.addLine(x: [0.0, 1], y: [1.0, 0])
        let (ca, cb) = (try SVGCheck.parse(a.svg()), try SVGCheck.parse(b.svg()))
        let idA = try XCTUnwrap(ca.elements.first?.attributes["id"])
        XCTAssertNotEqual(idA, cb.elements.first?.attributes["id"])
        XCTAssertEqual(ca.elements(named: "clipPath").first?.attributes["id"], idA + "-plot")
        XCTAssertEqual(a.svg(), a.svg(), "rendering is deterministic")
    }
}
