/// Receiver operating characteristic curves: true-positive rate against false-positive
/// rate as the detection threshold sweeps, on fixed [0, 1] axes with the dashed diagonal
/// of a random detector (AUC 0.5).
///
/// ```swift
/// var plot = ROCPlot()
/// plot.add("autoencoder (AUC 0.94)", falsePositiveRate: fpr, truePositiveRate: tpr)
/// plot.addOperatingPoint(falsePositiveRate: 0.05, truePositiveRate: 0.81, label: "threshold")
/// let svg = plot.svg()
/// ```
public struct ROCPlot {
    /// The frame: title, labels, size, ranges (fixed to 0…1), legend placement.
    public var figure: Figure
    private var curves: [(name: String, x: [Double], y: [Double], color: RGBColor?)] = []
    private var points: [(x: Double, y: Double, label: String)] = []

    /// A square-ish 560 × 460 figure; axes span 0…1.
    public init(title: String = "ROC curve") {
        figure = Figure(
            title: title, xLabel: "false positive rate", yLabel: "true positive rate", width: 560,
            height: 460)
        figure.xRange = -0.02...1.02
        figure.yRange = -0.02...1.02
    }

    /// Adds a curve; put the AUC in `name` (e.g. "dense AE (AUC 0.93)").
    public mutating func add(
        _ name: String, falsePositiveRate: [some BinaryFloatingPoint],
        truePositiveRate: [some BinaryFloatingPoint],
        color: RGBColor? = nil
    ) {
        precondition(
            falsePositiveRate.count == truePositiveRate.count,
            "ROC curve \"\(name)\" has \(falsePositiveRate.count) FPR values but \(truePositiveRate.count) TPR values."
        )
        curves.append((name, doubles(falsePositiveRate), doubles(truePositiveRate), color))
    }

    /// Marks the point where a chosen threshold operates.
    public mutating func addOperatingPoint(
        falsePositiveRate: Double, truePositiveRate: Double, label: String
    ) {
        points.append((falsePositiveRate, truePositiveRate, label))
    }

    /// The figure: curves, then the chance diagonal, then operating points.
    public func makeFigure() -> Figure {
        var figure = self.figure
        for c in curves { figure.addLine(x: c.x, y: c.y, label: c.name, color: c.color) }
        figure.addLine(
            x: [0.0, 1], y: [0.0, 1], label: "chance", color: .chanceGrey, style: .dashed,
            lineWidth: 1.2)
        for p in points { figure.addAnnotation(x: p.x, y: p.y, text: p.label) }
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
