/// The report figures of a scored signal: the signal (first channel) with its score
/// underneath, the labelled anomaly shaded and the top-scoring row marked — once for the
/// whole series and once zoomed to the anomaly.
///
/// Long series are drawn as a min–max envelope of about ``maximumPoints`` points, so a
/// spike of one row still shows and the SVG stays small.
public struct SignalScoreFigure {
    /// The signal values drawn (one channel), one per row.
    public var values: [Float]
    /// One score per row.
    public var scores: [Float]
    /// The labelled span, if any.
    public var anomaly: ClosedRange<Int>?
    /// The top-scoring row.
    public var topRow: Int
    /// Where the training part ends (drawn as a dashed line).
    public var trainingEnd: Int
    /// The threshold (drawn on the score panel).
    public var threshold: Float?

    /// The most points per line.
    public static let maximumPoints = 2000

    public init(
        values: [Float], scores: [Float], anomaly: ClosedRange<Int>?, topRow: Int,
        trainingEnd: Int, threshold: Float?
    ) {
        self.values = values
        self.scores = scores
        self.anomaly = anomaly
        self.topRow = topRow
        self.trainingEnd = trainingEnd
        self.threshold = threshold
    }

    /// The rows shown when zoomed: the anomaly (or the top row) with three times its
    /// length, at least 600 rows, on each side.
    public var zoomRange: Range<Int> {
        let span = anomaly ?? topRow...topRow
        let pad = max(600, 3 * span.count)
        let lo = max(0, min(span.lowerBound, topRow) - pad)
        let hi = min(values.count, max(span.upperBound, topRow) + pad + 1)
        return lo..<hi
    }

    /// Two SVGs (signal, score) for the rows `range`.
    public func svgs(_ range: Range<Int>, title: String) -> (signal: String, score: String) {
        (
            panel(values, range, title: title, yLabel: "signal", isScore: false),
            panel(scores, range, title: "", yLabel: "score", isScore: true)
        )
    }

    private func panel(
        _ y: [Float], _ range: Range<Int>, title: String, yLabel: String, isScore: Bool
    )
        -> String
    {
        var figure = Figure(title: title, xLabel: "row", yLabel: yLabel, width: 900, height: 260)
        let (xs, ys) = Self.envelope(y, range)
        let lo = ys.min() ?? 0
        let hi = ys.max() ?? 1
        if let anomaly, anomaly.overlaps(range.lowerBound...(range.upperBound - 1)) {
            let a = Double(max(anomaly.lowerBound, range.lowerBound))
            let b = Double(min(anomaly.upperBound, range.upperBound - 1))
            figure.addBand(
                x: [a, b], lower: [lo, lo], upper: [hi, hi], label: "labelled anomaly",
                color: RGBColor(hex: 0xE15759), opacity: 0.25)
        }
        if range.contains(trainingEnd) {
            figure.addVerticalLine(at: Double(trainingEnd), label: "training end", color: .ink)
        }
        figure.addLine(x: xs, y: ys, color: .category(isScore ? 1 : 0), lineWidth: 1)
        if isScore, let threshold {
            figure.addHorizontalLine(at: Double(threshold), label: "threshold")
        }
        if range.contains(topRow) {
            figure.addPoints(
                x: [Double(topRow)], y: [Double(y[topRow])], label: "top score", color: .ink,
                radius: 5, opacity: 1)
        }
        return figure.svg()
    }

    /// A min–max envelope of `y[range]` with at most ``maximumPoints`` points.
    static func envelope(_ y: [Float], _ range: Range<Int>) -> ([Double], [Double]) {
        let bins = maximumPoints / 2
        guard range.count > maximumPoints else {
            return (range.map(Double.init), range.map { Double(y[$0]) })
        }
        var xs: [Double] = []
        var ys: [Double] = []
        for b in 0..<bins {
            let lo = range.lowerBound + b * range.count / bins
            let hi = range.lowerBound + (b + 1) * range.count / bins
            guard hi > lo else { continue }
            var iMin = lo
            var iMax = lo
            for i in lo..<hi {
                if y[i] < y[iMin] { iMin = i }
                if y[i] > y[iMax] { iMax = i }
            }
            for i in [min(iMin, iMax), max(iMin, iMax)] {
                xs.append(Double(i))
                ys.append(Double(y[i]))
            }
        }
        return (xs, ys)
    }
}
