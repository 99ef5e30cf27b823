/// Points in the plane coloured by category — e.g. a 2-D latent space coloured by digit —
/// with optional overlay paths (such as an interpolation between two codes) and labelled
/// highlight points.
///
/// Copes with tens of thousands of points: small translucent dots, drawn in the order
/// given, coordinates rounded to 0.1 px (about 45 bytes per point).
///
/// ```swift
/// var plot = ScatterPlot(title: "Latent space", xLabel: "z₁", yLabel: "z₂")
/// plot.add(x: z1, y: z2, categories: labels)           // legend "0" … "9"
/// plot.addPath("interpolation", x: pathX, y: pathY)
/// plot.highlight(x: [a.0, b.0], y: [a.1, b.1], labels: ["start", "end"])
/// let svg = plot.svg()
/// ```
public struct ScatterPlot {
    /// The frame; the legend sits outside on the right by default, clear of the points.
    public var figure: Figure
    private var layers: [(inout Figure) -> Void] = []

    /// An empty scatter plot, 640 × 420 pixels.
    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        figure = Figure(title: title, xLabel: xLabel, yLabel: yLabel)
        figure.legendPlacement = .outsideRight
    }

    /// Adds points coloured by integer category (category `c` gets ``RGBColor/category(_:)``),
    /// one legend row per category present.
    /// - Parameter names: legend text per category (default: the number itself).
    public mutating func add(
        x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint], categories: [Int],
        names: [Int: String] = [:], radius: Double = 1.8, opacity: Double = 0.6
    ) {
        let (x, y) = (doubles(x), doubles(y))
        layers.append {
            $0.addPoints(
                x: x, y: y, categories: categories, names: names, radius: radius, opacity: opacity)
        }
    }

    /// Adds points in one colour, with a legend row `name`.
    public mutating func add(
        _ name: String, x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint],
        color: RGBColor? = nil, radius: Double = 2.5, opacity: Double = 0.7
    ) {
        let (x, y) = (doubles(x), doubles(y))
        layers.append {
            $0.addPoints(x: x, y: y, label: name, color: color, radius: radius, opacity: opacity)
        }
    }

    /// Adds a polyline with a dot at each vertex, drawn above the points.
    public mutating func addPath(
        _ name: String? = nil, x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint],
        color: RGBColor = .ink, lineWidth: Double = 1.5
    ) {
        let (x, y) = (doubles(x), doubles(y))
        layers.append {
            $0.addLine(x: x, y: y, label: name, color: color, lineWidth: lineWidth, markers: true)
        }
    }

    /// Marks points with a ringed dot and a text label each.
    public mutating func highlight(
        x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint], labels: [String],
        color: RGBColor = .ink
    ) {
        precondition(
            x.count == y.count && y.count == labels.count,
            "Highlights need equal counts of x, y and labels, got \(x.count), \(y.count), \(labels.count)."
        )
        let (x, y) = (doubles(x), doubles(y))
        layers.append { figure in
            for i in x.indices {
                figure.addAnnotation(x: x[i], y: y[i], text: labels[i], color: color)
            }
        }
    }

    /// The figure with every layer added, in the order added.
    public func makeFigure() -> Figure {
        var figure = self.figure
        for layer in layers { layer(&figure) }
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
