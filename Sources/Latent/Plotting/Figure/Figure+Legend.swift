extension Figure {
    static let legendFontSize = 12.0
    static let legendRowHeight = 18.0
    static let legendPadding = 8.0
    static let legendSwatchWidth = 22.0

    /// The legend box size in pixels (zero when there are no entries).
    func legendSize() -> (width: Double, height: Double) {
        guard !legendEntries.isEmpty else { return (0, 0) }
        let text =
            legendEntries.map { TextMetrics.width($0.label, fontSize: Figure.legendFontSize) }.max()
            ?? 0
        return (
            2 * Figure.legendPadding + Figure.legendSwatchWidth + 6 + text,
            2 * Figure.legendPadding + Figure.legendRowHeight * Double(legendEntries.count) - 4
        )
    }

    /// The legend's top-left corner, for the placement the layout settled on.
    func legendOrigin(_ layout: FigureLayout) -> (x: Double, y: Double)? {
        let (w, h) = legendSize()
        let inset = 8.0
        let (left, right) = (layout.left + inset, layout.right - inset - w)
        let (top, bottom) = (layout.top + inset, layout.bottom - inset - h)
        switch layout.legendPlacement {
        case .hidden: return nil
        case .outsideRight: return (layout.right + 14, layout.top)
        case .topRight: return (right, top)
        case .topLeft: return (left, top)
        case .bottomRight: return (right, bottom)
        case .bottomLeft: return (left, bottom)
        case .automatic: return bestInsideLegendPosition(layout).origin
        }
    }

    /// The position inside the plot where the legend covers the fewest sampled data
    /// pixels: the corners first, then the middles of the sides, then the centre (the order
    /// breaks ties). Also returns how many pixels it covers.
    func bestInsideLegendPosition(
        _ layout: FigureLayout
    ) -> (
        origin: (x: Double, y: Double), covered: Int
    ) {
        let (w, h) = legendSize()
        let inset = 8.0
        let (left, right) = (layout.left + inset, layout.right - inset - w)
        let (top, bottom) = (layout.top + inset, layout.bottom - inset - h)
        let (centreX, centreY) = (
            (layout.left + layout.right - w) / 2, (layout.top + layout.bottom - h) / 2
        )
        let candidates = [
            (right, top), (left, top), (right, bottom), (left, bottom),
            (right, centreY), (left, centreY), (centreX, top), (centreX, bottom),
            (centreX, centreY),
        ]
        let occupied = occupiedPixels(layout)
        let costs = candidates.map {
            Figure.count(occupied, inX: $0.0 - 4, $0.0 + w + 4, y: $0.1 - 4, $0.1 + h + 4)
        }
        let best = costs.indices.min { costs[$0] < costs[$1] }!
        return (candidates[best], costs[best])
    }

    /// How many of `pixels` fall inside the rectangle x0…x1 × y0…y1.
    static func count(
        _ pixels: [(Double, Double)], inX x0: Double, _ x1: Double, y y0: Double, _ y1: Double
    ) -> Int {
        pixels.reduce(0) { $0 + ($1.0 >= x0 && $1.0 <= x1 && $1.1 >= y0 && $1.1 <= y1 ? 1 : 0) }
    }

    /// Pixels the marks cover, sampled about every 5 px along lines and bar outlines, for
    /// choosing a legend position. Large point sets are subsampled to at most ~4000.
    func occupiedPixels(_ layout: FigureLayout, includingPoints: Bool = true) -> [(Double, Double)] {
        var out = [(Double, Double)]()
        func segment(_ a: (Double, Double), _ b: (Double, Double)) {
            let n = max(1, Int((abs(b.0 - a.0) + abs(b.1 - a.1)) / 5))
            for k in 0...n {
                let t = Double(k) / Double(n)
                out.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
            }
        }
        func polyline(_ xs: [Double], _ ys: [Double]) {
            var previous: (Double, Double)?
            for (x, y) in zip(xs, ys) {
                guard let px = layout.x(x), let py = layout.y(y) else {
                    previous = nil
                    continue
                }
                if let previous { segment(previous, (px, py)) } else { out.append((px, py)) }
                previous = (px, py)
            }
        }
        for mark in marks {
            switch mark {
            case .line(let m): polyline(m.x, m.y)
            case .points(let m):
                guard includingPoints else { continue }
                let stride = max(1, m.x.count / 4000)
                for i in Swift.stride(from: 0, to: m.x.count, by: stride) {
                    if let px = layout.x(m.x[i]), let py = layout.y(m.y[i]) { out.append((px, py)) }
                }
            case .bars(let m):
                for (i, h) in m.heights.enumerated() where h.isFinite && h > 0 {
                    guard let x0 = layout.x(m.edges[i]), let x1 = layout.x(m.edges[i + 1]),
                        let top = layout.y(h)
                    else { continue }
                    segment((x0, top), (x1, top))
                    segment(((x0 + x1) / 2, top), ((x0 + x1) / 2, layout.bottom))
                }
            case .band(let m):
                polyline(m.x, m.lower)
                polyline(m.x, m.upper)
            case .rule(let m):
                if m.isVertical, let px = layout.x(m.value) {
                    segment((px, layout.top), (px, layout.bottom))
                } else if !m.isVertical, let py = layout.y(m.value) {
                    segment((layout.left, py), (layout.right, py))
                }
            case .annotation(let m): polyline([m.x], [m.y])
            }
        }
        return out
    }

    /// Draws the legend box with one row per entry.
    func drawLegend(_ doc: inout SVGDocument, _ layout: FigureLayout) {
        guard let origin = legendOrigin(layout) else { return }
        let (w, h) = legendSize()
        let n = SVGDocument.number
        doc.element(
            "rect",
            [
                "x": n(origin.x), "y": n(origin.y), "width": n(w), "height": n(h), "rx": "4",
                "fill": "#ffffff", "fill-opacity": "0.9", "stroke": "#d4d4d4",
            ])
        for (i, entry) in legendEntries.enumerated() {
            let cy =
                origin.y + Figure.legendPadding + Figure.legendRowHeight * (Double(i) + 0.5) - 2
            let x0 = origin.x + Figure.legendPadding
            let color = entry.color.hexString
            switch entry.swatch {
            case .line(let style, let width, let markers):
                doc.element(
                    "line",
                    [
                        "x1": n(x0), "y1": n(cy), "x2": n(x0 + Figure.legendSwatchWidth),
                        "y2": n(cy),
                        "stroke": color, "stroke-width": n(min(width, 3)),
                        "stroke-dasharray": style.dashArray,
                    ])
                if markers {
                    doc.element(
                        "circle",
                        [
                            "cx": n(x0 + Figure.legendSwatchWidth / 2), "cy": n(cy), "r": "3",
                            "fill": color,
                        ])
                }
            case .dot:
                doc.element(
                    "circle",
                    [
                        "cx": n(x0 + Figure.legendSwatchWidth / 2), "cy": n(cy), "r": "4.5",
                        "fill": color,
                    ])
            case .box(let opacity):
                doc.element(
                    "rect",
                    [
                        "x": n(x0 + 2), "y": n(cy - 6), "width": n(Figure.legendSwatchWidth - 4),
                        "height": "12",
                        "fill": color, "fill-opacity": SVGDocument.opacity(max(opacity, 0.3)),
                        "stroke": color,
                    ])
            }
            doc.text(
                entry.label, x: x0 + Figure.legendSwatchWidth + 6, y: cy + 4,
                size: Figure.legendFontSize)
        }
    }
}
