extension HeatMap {
    /// A horizontal colour bar for heat maps drawn over `range`: the colormap as a gradient,
    /// with the two ends and the middle labelled, as an SVG to set beside the heat maps
    /// (a PNG grid of tiles has no room for text).
    ///
    /// - Parameters:
    ///   - label: what the colours measure ("per-pixel |x − x̂|").
    ///   - width: the SVG's width in pixels (the bar leaves room for its end labels).
    public static func colorBarSVG(
        range: ClosedRange<Float>, label: String, colormap: Colormap = .magma, width: Double = 560
    ) -> String {
        var doc = SVGDocument(width: width, height: 64)
        let n = SVGDocument.number
        let (left, right) = (30.0, width - 30)
        var stops = ""
        for k in 0...10 {
            let t = Double(k) / 10
            stops += "<stop offset=\"\(n(t))\" stop-color=\"\(colormap.color(at: t).hexString)\"/>"
        }
        doc.appendRaw(
            "<defs><linearGradient id=\"\(SVGDocument.idToken)-bar\">\(stops)</linearGradient></defs>\n")
        doc.element(
            "rect",
            [
                "x": n(left), "y": "22", "width": n(right - left), "height": "14",
                "fill": "url(#\(SVGDocument.idToken)-bar)", "stroke": RGBColor.frame.hexString,
            ])
        doc.text(label, x: width / 2, y: 15, size: 12, anchor: "middle", color: .ink)
        let middle = (range.lowerBound + range.upperBound) / 2
        for (value, x) in [(range.lowerBound, left), (middle, (left + right) / 2), (range.upperBound, right)] {
            doc.text(
                String(format: "%.3g", Double(value)), x: x, y: 52, size: 12, anchor: "middle",
                color: .mutedInk)
        }
        return doc.rendered(id: "bar-" + SVGDocument.hash(doc.body), fontFamily: Figure.fontFamily)
    }
}
