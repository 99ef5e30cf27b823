/// Precision–recall curves on fixed [0, 1] axes, with the optional horizontal baseline of a
/// random detector (precision = fraction of positives). More telling than ROC when
/// anomalies are rare.
///
/// ```swift
/// var plot = PrecisionRecallPlot()
/// plot.add("autoencoder (AP 0.71)", recall: recall, precision: precision)
/// plot.addBaseline(positiveFraction: 0.05)
/// let svg = plot.svg()
/// ```
public struct PrecisionRecallPlot {
    /// The frame: title, labels, size, ranges (fixed to 0…1), legend placement.
    public var figure: Figure
    private var curves: [(name: String, x: [Double], y: [Double], color: RGBColor?)] = []
    private var baseline: Double?
    private var points: [(x: Double, y: Double, label: String)] = []

    /// A 560 × 460 figure; axes span 0…1.
    public init(title: String = "Precision–recall curve") {
        figure = Figure(
            title: title, xLabel: "recall", yLabel: "precision", width: 560, height: 460)
        figure.xRange = -0.02...1.02
        figure.yRange = -0.02...1.02
    }

    /// Adds a curve; put the average precision in `name` if you have it.
    public mutating func add(
        _ name: String, recall: [some BinaryFloatingPoint], precision: [some BinaryFloatingPoint],
        color: RGBColor? = nil
    ) {
        precondition(
            recall.count == precision.count,
            "Curve \"\(name)\" has \(recall.count) recall values but \(precision.count) precision values."
        )
        curves.append((name, doubles(recall), doubles(precision), color))
    }

    /// Draws the chance level: a detector that flags at random has precision equal to the
    /// fraction of positives at every recall.
    public mutating func addBaseline(positiveFraction: Double) {
        baseline = positiveFraction
    }

    /// Marks the point where a chosen threshold operates.
    public mutating func addOperatingPoint(recall: Double, precision: Double, label: String) {
        points.append((recall, precision, label))
    }

    /// The figure: curves, then the baseline, then operating points.
    public func makeFigure() -> Figure {
        var figure = self.figure
        for c in curves { figure.addLine(x: c.x, y: c.y, label: c.name, color: c.color) }
        if let baseline {
            figure.addLine(
                x: [0.0, 1], y: [baseline, baseline], label: "chance", color: .chanceGrey,
                style: .dashed, lineWidth: 1.2)
        }
        for p in points { figure.addAnnotation(x: p.x, y: p.y, text: p.label) }
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
