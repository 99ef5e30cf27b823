/// One drawable layer of a ``Figure``. Coordinates are data values (before the axis scale).
enum Mark {
    case line(LineMark)
    case points(PointsMark)
    case bars(BarsMark)
    case band(BandMark)
    case rule(RuleMark)
    case annotation(AnnotationMark)
}

/// A polyline through (x[i], y[i]), broken wherever a point cannot be drawn.
struct LineMark {
    var x: [Double], y: [Double]
    var color: RGBColor
    var lineWidth: Double
    var style: LineStyle
    var markers: Bool
}

/// Dots at (x[i], y[i]); `colors` has one colour for all, or one per point.
struct PointsMark {
    var x: [Double], y: [Double]
    var colors: [RGBColor]
    var radius: Double
    var opacity: Double
}

/// Histogram bars: bin i spans edges[i]…edges[i+1] with height heights[i], drawn as a
/// translucent filled step outline.
struct BarsMark {
    var edges: [Double], heights: [Double]
    var color: RGBColor
    var opacity: Double
}

/// The region between two curves lower[i] and upper[i] over x[i].
struct BandMark {
    var x: [Double], lower: [Double], upper: [Double]
    var color: RGBColor
    var opacity: Double
}

/// A reference line across the whole plot at x = value (vertical) or y = value, with an
/// optional label written beside it.
struct RuleMark {
    var value: Double
    var isVertical: Bool
    var label: String?
    var color: RGBColor
    var style: LineStyle
}

/// A highlighted point with a text label next to it.
struct AnnotationMark {
    var x: Double, y: Double
    var text: String
    var color: RGBColor
}

/// A legend row: a swatch in the mark's colour and its label.
struct LegendEntry {
    enum Swatch {
        case line(LineStyle, width: Double, markers: Bool)
        case dot
        case box(opacity: Double)
    }

    var label: String
    var color: RGBColor
    var swatch: Swatch
}
