extension Figure {
    /// Renders the figure as a standalone SVG document (UTF-8 text, no XML declaration, so
    /// it can also be inlined into HTML). The root element carries a content-derived `id`
    /// that prefixes every internal id, so several figures can share one page.
    public func svg() -> String {
        let layout = layout()
        var doc = SVGDocument(width: width, height: height)
        let n = SVGDocument.number
        doc.element("rect", ["width": n(width), "height": n(height), "fill": "#ffffff"])
        doc.appendRaw(
            """
            <defs><clipPath id="\(SVGDocument.idToken)-plot"><rect x="\(n(layout.left))" y="\(n(layout.top))" \
            width="\(n(layout.right - layout.left))" height="\(n(layout.bottom - layout.top))"/></clipPath></defs>

            """)
        drawGrid(&doc, layout)
        doc.beginGroup(["clip-path": "url(#\(SVGDocument.idToken)-plot)"])
        for mark in marks { draw(mark, &doc, layout) }
        doc.endGroup()
        drawAxes(&doc, layout)
        let lines =
            marks.contains { if case .annotation = $0 { true } else { false } }
            ? occupiedPixels(layout, includingPoints: false) : []
        var placed: [LabelBox] = []
        for mark in marks { drawLabel(mark, &doc, layout, avoiding: lines, placed: &placed) }
        drawLegend(&doc, layout)
        drawTitles(&doc, layout)
        return doc.rendered(id: "fig-" + SVGDocument.hash(doc.body), fontFamily: Figure.fontFamily)
    }

    private func drawGrid(_ doc: inout SVGDocument, _ layout: FigureLayout) {
        guard showsGrid else { return }
        var d = ""
        for tick in layout.yTicks {
            let y = SVGDocument.number(layout.yPixel(tick.position))
            d += "M\(SVGDocument.number(layout.left)) \(y)H\(SVGDocument.number(layout.right))"
        }
        for tick in layout.xTicks {
            let x = SVGDocument.number(layout.xPixel(tick.position))
            d += "M\(x) \(SVGDocument.number(layout.top))V\(SVGDocument.number(layout.bottom))"
        }
        doc.element(
            "path",
            ["d": d, "stroke": RGBColor.gridLine.hexString, "stroke-width": "1", "fill": "none"])
    }

    private func drawAxes(_ doc: inout SVGDocument, _ layout: FigureLayout) {
        let n = SVGDocument.number
        doc.element(
            "rect",
            [
                "x": n(layout.left), "y": n(layout.top), "width": n(layout.right - layout.left),
                "height": n(layout.bottom - layout.top), "fill": "none",
                "stroke": RGBColor.frame.hexString,
            ])
        var d = ""
        for tick in layout.xTicks {
            d += "M\(n(layout.xPixel(tick.position))) \(n(layout.bottom))v5"
        }
        for tick in layout.yTicks {
            d += "M\(n(layout.left)) \(n(layout.yPixel(tick.position)))h-5"
        }
        doc.element("path", ["d": d, "stroke": RGBColor.frame.hexString, "fill": "none"])
        let size = FigureLayout.tickFontSize
        for tick in layout.xTicks {
            doc.text(
                tick.label, x: layout.xPixel(tick.position), y: layout.bottom + 19, size: size,
                anchor: "middle", color: .mutedInk)
        }
        for tick in layout.yTicks {
            doc.text(
                tick.label, x: layout.left - 9, y: layout.yPixel(tick.position) + 4, size: size,
                anchor: "end", color: .mutedInk)
        }
    }

    private func drawTitles(_ doc: inout SVGDocument, _ layout: FigureLayout) {
        let centre = (layout.left + layout.right) / 2
        if !title.isEmpty {
            let (lines, size) = titleLines()
            for (i, line) in lines.enumerated() {
                // Centred over the plot, but moved in so the line stays inside the figure.
                let half = TextMetrics.width(line, fontSize: size) / 2
                let x = min(max(centre, half + 8), width - half - 8)
                doc.text(
                    line, x: x, y: 24 + Double(i) * (size + 4), size: size, anchor: "middle",
                    weight: "600")
            }
        }
        if !xLabel.isEmpty {
            doc.text(
                xLabel, x: centre, y: height - 12, size: FigureLayout.labelFontSize,
                anchor: "middle", color: .ink)
        }
        if !yLabel.isEmpty {
            let middle = (layout.top + layout.bottom) / 2
            doc.text(
                shownYLabel, x: 18, y: middle, size: FigureLayout.labelFontSize, anchor: "middle",
                color: .ink, rotate: -90)
        }
    }

    /// A label's rectangle in pixels, to keep labels apart.
    struct LabelBox {
        var x: Double, y: Double, width: Double, height: Double
        init(_ x: Double, _ y: Double, _ width: Double, _ height: Double) {
            (self.x, self.y, self.width, self.height) = (x, y, width, height)
        }
        func intersects(_ other: LabelBox) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height
                && other.y < y + height
        }
    }

    /// Path data for a polyline through the drawable points, one subpath per unbroken run.
    static func pathData(_ xs: [Double], _ ys: [Double], _ layout: FigureLayout) -> String {
        var d = ""
        var drawing = false
        for (x, y) in zip(xs, ys) {
            guard let px = layout.x(x), let py = layout.y(y) else {
                drawing = false
                continue
            }
            d += (drawing ? "L" : "M") + SVGDocument.number(px) + " " + SVGDocument.number(py)
            drawing = true
        }
        return d
    }

    private func draw(_ mark: Mark, _ doc: inout SVGDocument, _ layout: FigureLayout) {
        let n = SVGDocument.number
        switch mark {
        case .line(let m):
            let d = Figure.pathData(m.x, m.y, layout)
            guard !d.isEmpty else { return }
            doc.element(
                "path",
                [
                    "d": d, "fill": "none", "stroke": m.color.hexString,
                    "stroke-width": n(m.lineWidth),
                    "stroke-linejoin": "round", "stroke-linecap": "round",
                    "stroke-dasharray": m.style.dashArray,
                ])
            if m.markers {
                doc.beginGroup([
                    "fill": m.color.hexString, "stroke": "#ffffff", "stroke-width": "1",
                ])
                var markup = ""
                for (x, y) in zip(m.x, m.y) {
                    guard let px = layout.x(x), let py = layout.y(y) else { continue }
                    markup +=
                        "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"\(n(m.lineWidth + 1.5))\"/>\n"
                }
                doc.appendRaw(markup)
                doc.endGroup()
            }

        case .points(let m):
            let uniform = m.colors.count == 1
            doc.beginGroup([
                "fill": uniform ? m.colors[0].hexString : nil,
                "fill-opacity": SVGDocument.opacity(m.opacity),
            ])
            let r = n(m.radius)
            var markup = ""
            markup.reserveCapacity(m.x.count * 48)
            for i in m.x.indices {
                guard let px = layout.x(m.x[i]), let py = layout.y(m.y[i]) else { continue }
                let fill = uniform ? "" : " fill=\"\(m.colors[i].hexString)\""
                markup += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"\(r)\"\(fill)/>\n"
            }
            doc.appendRaw(markup)
            doc.endGroup()

        case .bars(let m):
            let outline = Figure.barOutline(m, layout)
            guard !outline.isEmpty else { return }
            doc.element(
                "path",
                [
                    "d": outline + "Z", "fill": m.color.hexString,
                    "fill-opacity": SVGDocument.opacity(m.opacity), "stroke": "none",
                ])
            doc.element(
                "path",
                ["d": outline, "fill": "none", "stroke": m.color.hexString, "stroke-width": "1.2"])

        case .band(let m):
            var d = ""
            var run = [(Double, Double, Double)]()  // px, lower py, upper py
            func flush() {
                if run.count >= 2 {
                    d += "M" + run.map { "\(n($0.0)) \(n($0.2))" }.joined(separator: "L")
                    d +=
                        "L" + run.reversed().map { "\(n($0.0)) \(n($0.1))" }.joined(separator: "L")
                        + "Z"
                }
                run.removeAll()
            }
            for i in m.x.indices {
                if let px = layout.x(m.x[i]), let lo = layout.y(m.lower[i]),
                    let hi = layout.y(m.upper[i])
                {
                    run.append((px, lo, hi))
                } else {
                    flush()
                }
            }
            flush()
            guard !d.isEmpty else { return }
            doc.element(
                "path",
                [
                    "d": d, "fill": m.color.hexString,
                    "fill-opacity": SVGDocument.opacity(m.opacity), "stroke": "none",
                ])

        case .rule(let m):
            let d: String
            if m.isVertical {
                guard let px = layout.x(m.value) else { return }
                d = "M\(n(px)) \(n(layout.top))V\(n(layout.bottom))"
            } else {
                guard let py = layout.y(m.value) else { return }
                d = "M\(n(layout.left)) \(n(py))H\(n(layout.right))"
            }
            doc.element(
                "path",
                [
                    "d": d, "stroke": m.color.hexString, "stroke-width": "1.5",
                    "stroke-dasharray": m.style.dashArray, "fill": "none",
                ])

        case .annotation(let m):
            guard let px = layout.x(m.x), let py = layout.y(m.y) else { return }
            doc.element(
                "circle",
                [
                    "cx": n(px), "cy": n(py), "r": "5", "fill": m.color.hexString,
                    "stroke": "#ffffff", "stroke-width": "1.5",
                ])
            doc.element(
                "circle",
                [
                    "cx": n(px), "cy": n(py), "r": "6.5", "fill": "none",
                    "stroke": RGBColor.ink.hexString,
                ])
        }
    }

    /// The step outline of a histogram, from the baseline up and along each bin top.
    static func barOutline(_ m: BarsMark, _ layout: FigureLayout) -> String {
        let n = SVGDocument.number
        let base =
            layout.yScale == .linear
            ? min(max(layout.yPixel(0), layout.top), layout.bottom) : layout.bottom
        var d = ""
        var lastX: Double?
        for (i, h) in m.heights.enumerated() {
            guard let x0 = layout.x(m.edges[i]), let x1 = layout.x(m.edges[i + 1]) else { continue }
            let top =
                (h.isFinite ? layout.y(h) : nil).map {
                    min(max($0, layout.top - 2), layout.bottom + 2)
                } ?? base
            if lastX == nil { d += "M\(n(x0)) \(n(base))" }
            d += "L\(n(x0)) \(n(top))L\(n(x1)) \(n(top))"
            lastX = x1
        }
        if let lastX { d += "L\(n(lastX)) \(n(base))" }
        return d
    }

    /// Text that belongs to a mark (reference-line labels, annotation labels), drawn above
    /// the data and unclipped. Reference-line labels flip sides when they would leave the
    /// plot; annotation labels take the quadrant around their point that stays inside the
    /// plot and crosses the fewest line pixels (`avoiding`).
    private func drawLabel(
        _ mark: Mark, _ doc: inout SVGDocument, _ layout: FigureLayout,
        avoiding lines: [(Double, Double)], placed: inout [LabelBox]
    ) {
        let size = 12.0
        switch mark {
        case .rule(let m):
            guard let label = m.label, !label.isEmpty else { return }
            let w = TextMetrics.width(label, fontSize: size)
            if m.isVertical, let px = layout.x(m.value), px >= layout.left, px <= layout.right {
                let fitsRight = px + 5 + w <= layout.right - 4
                let x0 = fitsRight ? px + 5 : px - 5 - w
                // Lower, line by line, until clear of labels already placed.
                var y = layout.top + 15
                while placed.contains(where: { $0.intersects(LabelBox(x0, y - size, w, size + 3)) }),
                    y + 15 < layout.bottom
                {
                    y += 15
                }
                placed.append(LabelBox(x0, y - size, w, size + 3))
                doc.text(
                    label, x: fitsRight ? px + 5 : px - 5, y: y, size: size,
                    anchor: fitsRight ? "start" : "end", color: m.color, halo: true)
            } else if !m.isVertical, let py = layout.y(m.value), py >= layout.top,
                py <= layout.bottom
            {
                let above = py - 6 >= layout.top + 12
                let y = above ? py - 6 : py + 15
                placed.append(LabelBox(layout.right - 6 - w, y - size, w, size + 3))
                doc.text(
                    label, x: layout.right - 6, y: y, size: size,
                    anchor: "end", color: m.color, halo: true)
            }
        case .annotation(let m):
            guard let px = layout.x(m.x), let py = layout.y(m.y), !m.text.isEmpty else { return }
            let w = TextMetrics.width(m.text, fontSize: size)
            // (dx, baseline dy, anchor) for up-right, down-right, up-left, down-left, then
            // the same a line and two lines further out: labels of nearby points (two class
            // means) must never print over each other.
            let options: [(Double, Double, String)] = (0..<3).flatMap { k -> [(Double, Double, String)] in
                let out = Double(k) * 15
                return [
                    (10, -9 - out, "start"), (10, 19 + out, "start"), (-10, -9 - out, "end"),
                    (-10, 19 + out, "end"),
                ]
            }
            let costs = options.enumerated().map { i, option -> Int in
                let (dx, dy, anchor) = option
                let x0 = anchor == "start" ? px + dx : px + dx - w
                let (y0, y1) = (py + dy - size, py + dy + 3)
                let outside =
                    x0 < layout.left + 2 || x0 + w > layout.right - 2 || y0 < layout.top
                    || y1 > layout.bottom
                let box = LabelBox(x0, y0, w, y1 - y0)
                let overlaps = placed.filter { $0.intersects(box) }.count
                return (outside ? 100_000 : 0) + overlaps * 1_000_000
                    + Figure.count(lines, inX: x0, x0 + w, y: y0, y1) + i / 4 * 3
            }
            let (dx, dy, anchor) = options[costs.indices.min { costs[$0] < costs[$1] }!]
            let x0 = anchor == "start" ? px + dx : px + dx - w
            placed.append(LabelBox(x0, py + dy - size, w, size + 3))
            doc.text(
                m.text, x: px + dx, y: py + dy, size: size, anchor: anchor, weight: "600",
                halo: true)
        default:
            return
        }
    }
}
