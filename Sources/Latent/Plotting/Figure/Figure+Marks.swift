extension Figure {
    /// Adds a line through (x[i], y[i]).
    /// - Parameters:
    ///   - label: legend text; `nil` leaves the line out of the legend.
    ///   - color: `nil` takes the next palette colour.
    ///   - markers: draw a dot at every point (useful for a few points, e.g. epochs).
    public mutating func addLine(
        x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint], label: String? = nil,
        color: RGBColor? = nil, style: LineStyle = .solid, lineWidth: Double = 2,
        markers: Bool = false
    ) {
        precondition(
            x.count == y.count, "A line needs as many x as y values, got \(x.count) and \(y.count)."
        )
        let color = resolve(color)
        marks.append(
            .line(
                LineMark(
                    x: doubles(x), y: doubles(y), color: color, lineWidth: lineWidth, style: style,
                    markers: markers)))
        if let label {
            legendEntries.append(
                LegendEntry(
                    label: label, color: color,
                    swatch: .line(style, width: lineWidth, markers: markers)))
        }
    }

    /// Adds dots at (x[i], y[i]) in one colour.
    /// - Parameters:
    ///   - radius: dot radius in pixels.
    ///   - opacity: fill opacity, so dense regions read darker.
    public mutating func addPoints(
        x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint], label: String? = nil,
        color: RGBColor? = nil, radius: Double = 2.5, opacity: Double = 0.8
    ) {
        precondition(
            x.count == y.count, "Points need as many x as y values, got \(x.count) and \(y.count).")
        let color = resolve(color)
        marks.append(
            .points(
                PointsMark(
                    x: doubles(x), y: doubles(y), colors: [color], radius: radius, opacity: opacity)
            ))
        if let label { legendEntries.append(LegendEntry(label: label, color: color, swatch: .dot)) }
    }

    /// Adds dots coloured by an integer category (e.g. the digit 0–9), with one legend row
    /// per category present, in ascending order. Category `c` gets `RGBColor.category(c)`.
    /// Points are drawn in the order given, so no category hides all the others.
    /// - Parameter names: legend text per category; missing ones show the number.
    public mutating func addPoints(
        x: [some BinaryFloatingPoint], y: [some BinaryFloatingPoint], categories: [Int],
        names: [Int: String] = [:], radius: Double = 1.8, opacity: Double = 0.6
    ) {
        precondition(
            x.count == y.count && y.count == categories.count,
            "Categorised points need equal counts of x, y and categories, got \(x.count), \(y.count), \(categories.count)."
        )
        marks.append(
            .points(
                PointsMark(
                    x: doubles(x), y: doubles(y), colors: categories.map(RGBColor.category),
                    radius: radius, opacity: opacity)))
        for c in Set(categories).sorted() {
            legendEntries.append(
                LegendEntry(label: names[c] ?? String(c), color: .category(c), swatch: .dot))
        }
    }

    /// Adds histogram bars: bin `i` covers `edges[i]…edges[i+1]` and has height `heights[i]`.
    /// Bars are translucent so several histograms can overlap.
    public mutating func addBars(
        edges: [some BinaryFloatingPoint], heights: [some BinaryFloatingPoint],
        label: String? = nil,
        color: RGBColor? = nil, opacity: Double = 0.45
    ) {
        precondition(
            edges.count == heights.count + 1,
            "Bars need one more edge than heights, got \(edges.count) and \(heights.count).")
        let color = resolve(color)
        marks.append(
            .bars(
                BarsMark(
                    edges: doubles(edges), heights: doubles(heights), color: color, opacity: opacity
                )))
        if let label {
            legendEntries.append(
                LegendEntry(label: label, color: color, swatch: .box(opacity: opacity)))
        }
    }

    /// Shades the region between `lower[i]` and `upper[i]` over `x[i]` (which may cross).
    public mutating func addBand(
        x: [some BinaryFloatingPoint], lower: [some BinaryFloatingPoint],
        upper: [some BinaryFloatingPoint],
        label: String? = nil, color: RGBColor? = nil, opacity: Double = 0.3
    ) {
        precondition(
            x.count == lower.count && x.count == upper.count,
            "A band needs equal counts of x, lower and upper, got \(x.count), \(lower.count), \(upper.count)."
        )
        let color = resolve(color)
        marks.append(
            .band(
                BandMark(
                    x: doubles(x), lower: doubles(lower), upper: doubles(upper), color: color,
                    opacity: opacity)))
        if let label {
            legendEntries.append(
                LegendEntry(label: label, color: color, swatch: .box(opacity: opacity)))
        }
    }

    /// Adds a vertical reference line at `x`, e.g. a decision threshold, labelled beside its top.
    public mutating func addVerticalLine(
        at x: Double, label: String? = nil, color: RGBColor = .ink, style: LineStyle = .dashed
    ) {
        marks.append(
            .rule(RuleMark(value: x, isVertical: true, label: label, color: color, style: style)))
    }

    /// Adds a horizontal reference line at `y`, labelled above its right end.
    public mutating func addHorizontalLine(
        at y: Double, label: String? = nil, color: RGBColor = .ink, style: LineStyle = .dashed
    ) {
        marks.append(
            .rule(RuleMark(value: y, isVertical: false, label: label, color: color, style: style)))
    }

    /// Highlights the point (`x`, `y`) with a ringed dot and a text label.
    public mutating func addAnnotation(x: Double, y: Double, text: String, color: RGBColor = .ink) {
        marks.append(.annotation(AnnotationMark(x: x, y: y, text: text, color: color)))
    }

    /// Adds a legend row that belongs to no mark (e.g. to explain a reference line).
    public mutating func addLegendEntry(_ label: String, color: RGBColor, style: LineStyle = .solid) {
        legendEntries.append(
            LegendEntry(
                label: label, color: color, swatch: .line(style, width: 1.5, markers: false)))
    }
}
