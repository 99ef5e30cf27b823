/// Named series as lines — e.g. training and validation loss per epoch — with a legend.
///
/// ```swift
/// var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "MSE", logY: true)
/// plot.add("training", y: trainLoss)          // x = 1, 2, 3, …
/// plot.add("validation", y: validationLoss)
/// let svg = plot.svg()
/// ```
///
/// `figure` holds the frame (title, labels, size, scales, ranges); change it freely, or add
/// extra marks to it, which are drawn beneath the series.
public struct LinePlot {
    /// The frame: title, labels, size, scales, ranges, legend placement.
    public var figure: Figure
    private var series:
        [(
            name: String, x: [Double], y: [Double], style: LineStyle, markers: Bool,
            color: RGBColor?
        )] = []

    /// - Parameter logY: use a log₁₀ y axis (values ≤ 0 are then skipped).
    public init(title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false) {
        figure = Figure(title: title, xLabel: xLabel, yLabel: yLabel)
        figure.yScale = logY ? .log : .linear
    }

    /// Adds a series through (x[i], y[i]).
    public mutating func add(
        _ name: String, x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint],
        style: LineStyle = .solid, markers: Bool = false, color: RGBColor? = nil
    ) {
        precondition(
            x.count == y.count,
            "Series \"\(name)\" has \(x.count) x values but \(y.count) y values.")
        series.append((name, doubles(x), doubles(y), style, markers, color))
    }

    /// Adds a series at x = `firstX`, `firstX` + 1, … (epochs count from 1 by default);
    /// x ticks then stay on whole numbers.
    public mutating func add(
        _ name: String, y: [some BinaryFloatingPoint], firstX: Int = 1,
        style: LineStyle = .solid, markers: Bool = false, color: RGBColor? = nil
    ) {
        add(
            name, x: y.indices.map { Double(firstX + $0) }, y: y, style: style, markers: markers,
            color: color)
        figure.xTicksAreIntegers = true
    }

    /// The figure with every series added.
    public func makeFigure() -> Figure {
        var figure = self.figure
        for s in series {
            figure.addLine(
                x: s.x, y: s.y, label: s.name, color: s.color, style: s.style, markers: s.markers)
        }
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
