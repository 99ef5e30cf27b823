import Foundation

extension DetectorData {
    /// A first or last column that looks like a label though it was read as a feature.
    public struct SuspectedLabel: Equatable, Sendable {
        /// The zero-based column index in the file.
        public var column: Int
        /// `"first"` or `"last"`.
        public var position: String
        /// Its distinct values, in increasing order.
        public var values: [String]
        /// The value most rows hold (normal rows usually outnumber anomalies).
        public var commonest: String
        /// Whether most other columns hold whole numbers too (pixel intensities, counts):
        /// then a few-valued column is less telling, and the CLI only warns.
        public var amongWholeNumbers = false
    }

    /// The first or last feature column when it looks like a class label: whole numbers,
    /// at most 10 distinct values (two or more) each on at least two rows, while most other
    /// columns are not like that. `nil` for data with labels, images, or fewer than 8 rows
    /// or 3 columns.
    ///
    /// A label trained on as a feature goes through silently (the model learns to
    /// reconstruct the class and every row is taken as normal), so a reader of a table
    /// without a label column asks this before training. Tables whose columns are mostly
    /// small whole-number codes (one-hot or binary data) are never suspected. On the 21
    /// ADBench feature tables (no labels among them) two are suspected, both with 3 or more
    /// values (Cardiotocography's last feature is −1/0/1): `latent detector fit` refuses a
    /// two-valued suspect and only warns about the others.
    public func suspectedLabelColumn() -> SuspectedLabel? {
        guard labels == nil, features.rank == 2 else { return nil }
        let (n, d) = (features.shape[0], features.shape[1])
        guard n >= 8, d >= 3 else { return nil }
        let values = features.scalars
        // Distinct whole-number values of column j (over a sample of rows), or nil once it
        // has a fraction or more than `limit` of them.
        func codes(_ j: Int, rows: StrideTo<Int>, limit: Int = 10) -> Set<Float>? {
            var seen: Set<Float> = []
            for r in rows {
                let v = values[r * d + j]
                guard v == v.rounded() else { return nil }
                seen.insert(v)
                if seen.count > limit { return nil }
            }
            return seen
        }
        let all = stride(from: 0, to: n, by: 1)
        let sample = stride(from: 0, to: n, by: max(1, n / 2000))
        for (j, position) in [(d - 1, "last"), (0, "first")] {
            guard let found = codes(j, rows: all), found.count >= 2, found.count * 4 <= n else {
                continue
            }
            // The others: at most 200 columns, evenly spread.
            let others = stride(from: 0, to: d, by: max(1, d / 200)).filter { $0 != j }
            let alike = others.filter { codes($0, rows: sample) != nil }.count
            guard alike * 2 < others.count else { return nil }
            var counts: [Float: Int] = [:]
            for r in 0..<n { counts[values[r * d + j], default: 0] += 1 }
            // A class holds several rows; a value seen once is a feature's rare value (the
            // last pixel of 700 images: 0, and 5 once).
            guard counts.values.min()! >= 2 else { continue }
            let commonest = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
            let whole = others.filter { codes($0, rows: sample, limit: Int.max) != nil }.count
            // Without a label column, feature j is the file's column j.
            return SuspectedLabel(
                column: j, position: position,
                values: found.sorted().map(Self.formatLabel), commonest: Self.formatLabel(commonest),
                amongWholeNumbers: whole * 2 >= others.count)
        }
        return nil
    }
}
