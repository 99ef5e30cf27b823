/// A 2-D chart drawn as SVG: a frame (title, axis labels, "nice" ticks, light grid, legend)
/// around a list of marks (lines, points, histogram bars, shaded bands, reference lines,
/// labelled points). The chart types — ``LinePlot``, ``ScatterPlot``, ``Histogram``,
/// ``ROCPlot``, ``PrecisionRecallPlot``, ``SignalPlot`` — are small compositions of these
/// marks; use `Figure` directly for anything else.
///
/// Axis ranges follow the data (with a small margin) unless fixed with `xRange` / `yRange`.
/// Values that cannot be drawn — NaN, ±∞, or ≤ 0 on a log axis — are skipped: a line breaks
/// there and a point is left out, so the SVG is always valid.
///
/// ```swift
/// var figure = Figure(title: "Scores", xLabel: "sample", yLabel: "error")
/// figure.addLine(x: xs, y: errors, label: "error")
/// figure.addHorizontalLine(at: threshold, label: "threshold")
/// let svg: String = figure.svg()
/// ```
///
/// Marks are drawn in the order added; each mark added with a label gets a legend entry,
/// and marks without an explicit colour take the next ``RGBColor/tableau10`` colour.
public struct Figure {
    /// Bold text centred above the plot; empty for none.
    public var title: String
    /// Text under the x axis; empty for none.
    public var xLabel: String
    /// Text beside the y axis, rotated; empty for none.
    public var yLabel: String
    /// Width of the SVG in pixels (it also carries a `viewBox`, so it scales in HTML).
    public var width: Double
    /// Height of the SVG in pixels.
    public var height: Double
    /// Linear or log₁₀ x axis.
    public var xScale: AxisScale = .linear
    /// Linear or log₁₀ y axis.
    public var yScale: AxisScale = .linear
    /// Fixed data range of the x axis; `nil` fits the data.
    public var xRange: ClosedRange<Double>?
    /// Fixed data range of the y axis; `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// Where the legend goes; rows come from marks added with a label.
    public var legendPlacement: LegendPlacement = .automatic
    /// Light grid lines at the ticks.
    public var showsGrid = true
    /// Keep x ticks on whole numbers (for epochs, steps, indices).
    public var xTicksAreIntegers = false

    var marks: [Mark] = []
    var legendEntries: [LegendEntry] = []
    private var colorsUsed = 0

    /// An empty figure, 640 × 420 pixels unless given.
    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", width: Double = 640,
        height: Double = 420
    ) {
        precondition(
            width >= 120 && height >= 100,
            "A figure needs at least 120 × 100 pixels, got \(width) × \(height).")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
    }

    /// The given colour, or the next unused palette colour.
    mutating func resolve(_ color: RGBColor?) -> RGBColor {
        if let color { return color }
        defer { colorsUsed += 1 }
        return RGBColor.category(colorsUsed)
    }

    static let fontFamily =
        "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
}

/// The dash pattern of a line.
public enum LineStyle: Sendable {
    case solid, dashed, dotted

    var dashArray: String? {
        switch self {
        case .solid: nil
        case .dashed: "6 4"
        case .dotted: "1.5 3"
        }
    }
}

/// Where the legend box goes. `automatic` picks the inside corner covering the least data
/// (or `outsideRight` when the legend is too tall to fit inside).
public enum LegendPlacement: Sendable {
    case automatic, topLeft, topRight, bottomLeft, bottomRight, outsideRight, hidden
}

/// Converts any floating-point array to `[Double]`.
func doubles<T: BinaryFloatingPoint>(_ values: [T]) -> [Double] {
    values.map { Double($0) }
}
