/// Where everything of a ``Figure`` goes, in pixels: the plot rectangle, the axis domains
/// (in the scales' linear space, so log axes are linear in log₁₀), the ticks and the legend.
struct FigureLayout {
    struct Tick {
        var position: Double  // transformed value, in domain units
        var label: String
    }

    var left: Double, top: Double, right: Double, bottom: Double
    var xScale: AxisScale, yScale: AxisScale
    var xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>
    var xTicks: [Tick] = [], yTicks: [Tick] = []
    var legendPlacement: LegendPlacement = .hidden

    /// Pixel column of data value `v`, or `nil` if it cannot be drawn.
    func x(_ v: Double) -> Double? { xScale.transform(v).map(xPixel) }
    /// Pixel row of data value `v` (up is smaller), or `nil` if it cannot be drawn.
    func y(_ v: Double) -> Double? { yScale.transform(v).map(yPixel) }

    func xPixel(_ t: Double) -> Double {
        left + (t - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound) * (right - left)
    }

    func yPixel(_ t: Double) -> Double {
        bottom - (t - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound)
            * (bottom - top)
    }

    static let tickFontSize = 12.0
    static let labelFontSize = 13.0
    static let titleFontSize = 15.0
}

extension Figure {
    /// Computes the layout: domains from the data (or the fixed ranges), then margins that
    /// fit the tick labels, then x ticks spaced so their labels do not touch.
    func layout() -> FigureLayout {
        let extent = dataExtent()
        let xDomain = Figure.domain(
            extent.x, fixed: xRange, scale: xScale, padding: 0.03, stickyLower: nil)
        let yDomain = Figure.domain(
            extent.y, fixed: yRange, scale: yScale, padding: 0.05,
            stickyLower: extent.barsFromZero ? 0 : nil)
        let top: Double = title.isEmpty ? 16 : titleLines().lines.count > 1 ? 62 : 44
        let bottom = height - (xLabel.isEmpty ? 30 : 50)
        var layout = FigureLayout(
            left: 0, top: top, right: width, bottom: bottom,
            xScale: xScale, yScale: yScale, xDomain: xDomain, yDomain: yDomain)

        layout.yTicks = Figure.ticks(
            yDomain, scale: yScale, targetCount: max(2, Int((bottom - top) / 55)))
        let widest =
            layout.yTicks.map { TextMetrics.width($0.label, fontSize: FigureLayout.tickFontSize) }
            .max() ?? 0
        layout.left = (yLabel.isEmpty ? 10 : 32) + widest + 10

        let legend = legendSize()
        var placement = legendEntries.isEmpty ? .hidden : legendPlacement
        if placement == .automatic, legend.height > 0.7 * (bottom - top) {
            placement = .outsideRight
        }
        layout.legendPlacement = placement
        layout.right = width - 18 - (placement == .outsideRight ? legend.width + 14 : 0)
        layout.xTicks = Figure.spacedXTicks(
            layout, scale: xScale, minimumStep: xTicksAreIntegers ? 1 : nil)

        // An automatic legend that would hide data moves outside, if the plot stays wide.
        if placement == .automatic, bestInsideLegendPosition(layout).covered > 3,
            layout.right - layout.left - legend.width - 14 >= 360
        {
            placement = .outsideRight
            layout.legendPlacement = placement
            layout.right -= legend.width + 14
        }

        // Fewer x ticks until neighbouring labels have a clear gap; then make sure the last
        // label does not run off the right edge.
        for _ in 0..<2 {
            layout.xTicks = Figure.spacedXTicks(
                layout, scale: xScale, minimumStep: xTicksAreIntegers ? 1 : nil)
            if let last = layout.xTicks.last {
                let overhang =
                    layout.xPixel(last.position) + TextMetrics.width(
                        last.label, fontSize: FigureLayout.tickFontSize) / 2
                    - (placement == .outsideRight ? layout.right + 10 : width - 4)
                if overhang > 0 {
                    layout.right -= overhang
                    continue
                }
            }
            break
        }
        return layout
    }

    /// The title as drawn: one line at 15 px if it fits the figure's width, else shrunk
    /// (to no less than 12 px), else wrapped into two lines at the size that fits (a long
    /// title is never clipped at the figure's edges).
    func titleLines() -> (lines: [String], fontSize: Double) {
        let room = width - 16
        let full = FigureLayout.titleFontSize
        let w = TextMetrics.width(title, fontSize: full)
        if w <= room { return ([title], full) }
        if w * 12 / full <= room { return ([title], (full * room / w * 10).rounded(.down) / 10) }
        // Two lines, split at the space nearest the middle.
        let words = title.split(separator: " ", omittingEmptySubsequences: false)
        var best: (String, String)? = nil
        var bestWidth = Double.infinity
        for cut in 1..<max(words.count, 1) {
            let a = words[..<cut].joined(separator: " ")
            let b = words[cut...].joined(separator: " ")
            let widest = max(TextMetrics.width(a, fontSize: 13), TextMetrics.width(b, fontSize: 13))
            if widest < bestWidth { (best, bestWidth) = ((a, b), widest) }
        }
        guard let (a, b) = best else {
            return ([title], max(6, (full * room / w * 10).rounded(.down) / 10))
        }
        return ([a, b], min(13, (13 * room / bestWidth * 10).rounded(.down) / 10))
    }

    /// The y-axis label as drawn: a log axis says so.
    var shownYLabel: String {
        guard yScale == .log, !yLabel.isEmpty, !yLabel.lowercased().contains("log") else {
            return yLabel
        }
        return yLabel + " (log scale)"
    }

    /// The largest tick set (up to ~1 per 70 px) whose labels keep ≥ 12 px apart.
    static func spacedXTicks(
        _ layout: FigureLayout, scale: AxisScale, minimumStep: Double?
    )
        -> [FigureLayout.Tick]
    {
        var target = max(2, Int((layout.right - layout.left) / 70))
        while true {
            let ticks = Figure.ticks(
                layout.xDomain, scale: scale, targetCount: target, minimumStep: minimumStep)
            let fits = zip(ticks, ticks.dropFirst()).allSatisfy { a, b in
                let room = layout.xPixel(b.position) - layout.xPixel(a.position)
                let need =
                    (TextMetrics.width(a.label, fontSize: FigureLayout.tickFontSize)
                        + TextMetrics.width(b.label, fontSize: FigureLayout.tickFontSize)) / 2 + 12
                return room >= need
            }
            if fits || target <= 2 { return ticks }
            target -= 1
        }
    }

    /// Ticks for a domain given in the scale's linear space.
    static func ticks(
        _ domain: ClosedRange<Double>, scale: AxisScale, targetCount: Int,
        minimumStep: Double? = nil
    ) -> [FigureLayout.Tick] {
        switch scale {
        case .linear:
            let values = Ticks.linear(
                in: domain, targetCount: targetCount, minimumStep: minimumStep)
            // Whole-number axes (epochs) label whole numbers, also with a single tick.
            let step = max(
                values.count > 1
                    ? values[1] - values[0]
                    : Ticks.niceStep(
                        span: domain.upperBound - domain.lowerBound, targetCount: targetCount),
                minimumStep ?? 0)
            return values.map {
                FigureLayout.Tick(position: $0, label: Ticks.label($0, step: step))
            }
        case .log:
            let range = scale.inverse(domain.lowerBound)...scale.inverse(domain.upperBound)
            return Ticks.logarithmic(in: range, targetCount: targetCount).compactMap { v in
                scale.transform(v).map { FigureLayout.Tick(position: $0, label: Ticks.logLabel(v)) }
            }
        }
    }

    /// An axis domain in transformed space: the fixed range if valid, else the data extent
    /// widened by `padding` × span on each side (not below `stickyLower` when the data
    /// starts there, so histogram bars stand on the axis).
    static func domain(
        _ extent: ClosedRange<Double>?, fixed: ClosedRange<Double>?, scale: AxisScale,
        padding: Double, stickyLower: Double?
    ) -> ClosedRange<Double> {
        if let fixed, let lo = scale.transform(fixed.lowerBound),
            let hi = scale.transform(fixed.upperBound), hi > lo
        {
            return lo...hi
        }
        guard let extent else { return 0...1 }
        let (lo, hi) = (extent.lowerBound, extent.upperBound)
        if hi - lo <= 1e-12 * max(1, abs(lo)) {
            let d = scale == .log ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            return (lo - d)...(hi + d)
        }
        let pad = (hi - lo) * padding
        return (lo == stickyLower ? lo : lo - pad)...(hi + pad)
    }

    /// The transformed extent of everything drawable, per axis.
    func dataExtent() -> (x: ClosedRange<Double>?, y: ClosedRange<Double>?, barsFromZero: Bool) {
        var xs = Extent()
        var ys = Extent()
        var barsFromZero = false
        func add(_ x: Double, _ y: Double) {
            guard let tx = xScale.transform(x), let ty = yScale.transform(y) else { return }
            xs.add(tx)
            ys.add(ty)
        }
        for mark in marks {
            switch mark {
            case .line(let m): for (x, y) in zip(m.x, m.y) { add(x, y) }
            case .points(let m): for (x, y) in zip(m.x, m.y) { add(x, y) }
            case .bars(let m):
                for (i, h) in m.heights.enumerated() where h.isFinite && h != 0 {
                    add(m.edges[i], h)
                    add(m.edges[i + 1], h)
                }
                if yScale == .linear {
                    ys.add(0)
                    barsFromZero = true
                }
            case .band(let m):
                for i in m.x.indices {
                    add(m.x[i], m.lower[i])
                    add(m.x[i], m.upper[i])
                }
            case .rule(let m):
                if m.isVertical {
                    xScale.transform(m.value).map { xs.add($0) }
                } else {
                    yScale.transform(m.value).map { ys.add($0) }
                }
            case .annotation(let m): add(m.x, m.y)
            }
        }
        return (xs.range, ys.range, barsFromZero)
    }
}

/// Running minimum and maximum.
struct Extent {
    var lower = Double.infinity, upper = -Double.infinity
    mutating func add(_ v: Double) {
        lower = min(lower, v)
        upper = max(upper, v)
    }
    var range: ClosedRange<Double>? { lower <= upper ? lower...upper : nil }
}
