import CLatentKernels
import Foundation

extension DetectorData {
    /// Arrays (npy, npz, idx) hold whatever floats were saved. As in CSV/TSV tables, a row
    /// with a NaN or ±Inf value or label is refused, or with `skipping` left out with its
    /// label and counted in the summary: scored, such a row comes out as NaN and is never
    /// flagged, and a NaN label counts as an anomaly.
    /// - Throws: ``DataError`` `.nonFinite` naming the file, the row and the value.
    mutating func screenNonFiniteRows(skipping: Bool) throws {
        let n = features.shape[0]
        guard n > 0 else { return }
        let width = features.count / n
        let labels = self.labels
        func labelIsBad(_ r: Int) -> Bool { labels.flatMap { Double($0[r]) }.map { !$0.isFinite } ?? false }
        let firstValue = features.firstNonFiniteIndex
        let firstLabel = labels?.indices.first(where: labelIsBad)
        guard firstValue != nil || firstLabel != nil else { return }
        guard skipping else {
            let what: String
            if let v = firstValue, firstLabel.map({ $0 >= v / width }) ?? true {
                let (row, j) = v.quotientAndRemainder(dividingBy: width)
                let value = features.withUnsafeBufferPointer { $0[v] }
                // A float64 array's 1e300 arrives here as inf.
                let range = value.isNaN ? "" : " (infinite, or beyond the Float range)"
                what = "row \(row), value \(j) of the row is \(value)\(range)"
            } else {
                what = "the label of row \(firstLabel!) is \(labels![firstLabel!])"
            }
            throw DataError(
                .nonFinite, file: source, message: "\(what), not a finite number (rows and values count from 0)",
                remedy: "Fix the value, or read with skippingNonFiniteRows: true to leave such rows out.")
        }
        let kept = features.withUnsafeBufferPointer { x in
            (0..<n).filter { r in !labelIsBad(r) && latent_first_non_finite(x.baseAddress! + r * width, width) < 0 }
        }
        guard !kept.isEmpty else {
            throw DataError(
                .nonFinite, file: source, message: "every one of its \(n) rows holds a NaN or infinite value",
                remedy: "Check how the array was made.")
        }
        features = features.gathering(rows: kept)
        self.labels = labels.map { all in kept.map { all[$0] } }
        summary += "; skipped \(n - kept.count) rows with NaN or infinite values"
    }
}
