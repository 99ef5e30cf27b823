/// A 1-D signal (e.g. one ECG heartbeat) and its reconstruction as two lines, with the gap
/// between them shaded light red, so where the autoencoder fails is visible at a glance.
/// Legend: "input", "reconstruction", "error".
///
/// ```swift
/// let plot = SignalPlot(title: "Beat 17 (anomalous)", input: beat, reconstruction: decoded)
/// let svg = plot.svg()
/// ```
public struct SignalPlot {
    /// The frame: title, labels, size, scales, ranges, legend placement.
    public var figure: Figure
    private let x: [Double], input: [Double], reconstruction: [Double]

    /// - Parameter x: sample positions; `nil` uses 0, 1, 2, ….
    public init(
        title: String = "", input: [some BinaryFloatingPoint],
        reconstruction: [some BinaryFloatingPoint],
        x: [Double]? = nil, xLabel: String = "time step", yLabel: String = "value"
    ) {
        precondition(
            input.count == reconstruction.count,
            "Input has \(input.count) samples but the reconstruction has \(reconstruction.count).")
        precondition(
            x == nil || x!.count == input.count, "x needs one position per sample (\(input.count))."
        )
        figure = Figure(title: title, xLabel: xLabel, yLabel: yLabel)
        self.x = x ?? input.indices.map(Double.init)
        self.input = doubles(input)
        self.reconstruction = doubles(reconstruction)
    }

    static let errorColor = RGBColor(hex: 0xE15759)

    /// The figure: error band underneath, then the two lines.
    public func makeFigure() -> Figure {
        var figure = self.figure
        figure.addBand(
            x: x, lower: input, upper: reconstruction, color: SignalPlot.errorColor, opacity: 0.25)
        figure.addLine(x: x, y: input, label: "input", color: .category(0))
        figure.addLine(
            x: x, y: reconstruction, label: "reconstruction", color: .category(1), style: .dashed)
        figure.legendEntries.append(
            LegendEntry(label: "error", color: SignalPlot.errorColor, swatch: .box(opacity: 0.25)))
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
