/// Each column's mean and population standard deviation over the rows of a row-major
/// table, in `Double`, two passes (no cancellation from `E[x²] − x̄²`). Shared by the
/// neighbours detector's standardisation and the signal detector's channel scaling, so
/// both keep the same bits.
///
/// ```
/// meanⱼ = Σᵢ xᵢⱼ / n        standardDeviationⱼ = sqrt( Σᵢ (xᵢⱼ − meanⱼ)² / n )
/// ```
struct ColumnMoments {
    /// One per column.
    let mean: [Double]
    let standardDeviation: [Double]

    /// The moments of the first `rows` rows of `values` (`rows × columns`, row-major).
    /// - Precondition: `rows ≥ 1` and `values` holds at least `rows × columns` values.
    init(rowMajor values: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
        precondition(rows >= 1 && values.count >= rows * columns)
        var mean = [Double](repeating: 0, count: columns)
        for i in 0..<rows { for j in 0..<columns { mean[j] += Double(values[i * columns + j]) } }
        for j in 0..<columns { mean[j] /= Double(rows) }
        var squares = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            for j in 0..<columns {
                let u = Double(values[i * columns + j]) - mean[j]
                squares[j] += u * u
            }
        }
        self.mean = mean
        standardDeviation = squares.map { ($0 / Double(rows)).squareRoot() }
    }
}
