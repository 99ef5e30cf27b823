/// Overlapping histograms of one or more named samples on shared bins — e.g. anomaly
/// scores of normal and anomalous data — with optional vertical threshold lines.
///
/// Bins: `binCount` equal-width bins over `range`, or over the finite values of all series
/// together, so the bars line up. Bin `i` holds `edges[i] ≤ v < edges[i+1]`; the last bin
/// also holds its upper edge. Values outside the range and non-finite values are ignored.
///
/// ```
/// count:    h_i = n_i                density:  h_i = n_i / (N · width_i)
/// fraction: h_i = n_i / N             (N = the series' values inside the range)
/// ```
///
/// ```swift
/// var plot = Histogram(title: "Reconstruction error", xLabel: "score", normalization: .density)
/// plot.add("normal", values: normalScores)
/// plot.add("anomalous", values: anomalyScores)
/// plot.addThreshold(threshold, label: "threshold 0.031")
/// let svg = plot.svg()
/// ```
public struct Histogram {
    /// How bar heights are scaled.
    public enum Normalization: Sendable {
        case count, density, fraction
    }

    /// The frame: title, labels, size, scales, ranges, legend placement.
    public var figure: Figure
    /// Number of equal-width bins shared by all series.
    public var binCount: Int
    /// Fixed bin range; `nil` spans the finite values of all series.
    public var range: ClosedRange<Double>?
    /// How bar heights are scaled (count, density or fraction).
    public var normalization: Normalization
    private var series: [(name: String, values: [Double], color: RGBColor?)] = []
    private var thresholds: [(value: Double, label: String?)] = []

    /// - Parameter yLabel: `nil` names the y axis after the normalization.
    public init(
        title: String = "", xLabel: String = "", yLabel: String? = nil, binCount: Int = 40,
        range: ClosedRange<Double>? = nil, normalization: Normalization = .count
    ) {
        precondition(binCount >= 1, "A histogram needs at least one bin, got \(binCount).")
        let defaultLabel =
            switch normalization {
            case .count: "count"
            case .density: "density"
            case .fraction: "fraction"
            }
        // The size of ``ROCPlot`` and ``PrecisionRecallPlot``: reports set them side by side,
        // and figures of one size scale to the same height there.
        figure = Figure(
            title: title, xLabel: xLabel, yLabel: yLabel ?? defaultLabel, width: 560, height: 460)
        self.binCount = binCount
        self.range = range
        self.normalization = normalization
    }

    /// Adds a named sample.
    public mutating func add(
        _ name: String, values: [some BinaryFloatingPoint], color: RGBColor? = nil
    ) {
        series.append((name, doubles(values), color))
    }

    /// Adds a dashed vertical line at `value`, labelled beside its top.
    public mutating func addThreshold(_ value: Double, label: String? = nil) {
        thresholds.append((value, label))
    }

    /// The shared bin edges, `binCount + 1` values.
    public func edges() -> [Double] {
        let range =
            range
            ?? {
                var extent = Extent()
                for s in series { for v in s.values where v.isFinite { extent.add(v) } }
                guard let r = extent.range else { return 0...1 }
                return r.upperBound > r.lowerBound ? r : (r.lowerBound - 0.5)...(r.upperBound + 0.5)
            }()
        let width = (range.upperBound - range.lowerBound) / Double(binCount)
        return (0...binCount).map {
            $0 == binCount ? range.upperBound : range.lowerBound + Double($0) * width
        }
    }

    /// How many of `values` fall in each bin of `edges` (equal widths assumed).
    public static func counts(_ values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        var counts = [Int](repeating: 0, count: bins)
        let (lo, hi) = (edges[0], edges[bins])
        guard hi > lo else { return counts }
        for v in values where v.isFinite && v >= lo && v <= hi {
            counts[min(Int((v - lo) / (hi - lo) * Double(bins)), bins - 1)] += 1
        }
        return counts
    }

    /// The figure with bars for every series, then the threshold lines.
    public func makeFigure() -> Figure {
        var figure = self.figure
        let edges = edges()
        for s in series {
            let counts = Histogram.counts(s.values, edges: edges)
            let total = Double(max(counts.reduce(0, +), 1))
            let heights = counts.enumerated().map { i, c -> Double in
                switch normalization {
                case .count: Double(c)
                case .fraction: Double(c) / total
                case .density: Double(c) / (total * (edges[i + 1] - edges[i]))
                }
            }
            figure.addBars(edges: edges, heights: heights, label: s.name, color: s.color)
        }
        for t in thresholds { figure.addVerticalLine(at: t.value, label: t.label) }
        return figure
    }

    /// The plot as an SVG document.
    public func svg() -> String { makeFigure().svg() }
}
