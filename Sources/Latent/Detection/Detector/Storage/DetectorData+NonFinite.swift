import CLatentKernels
import Foundation

extension DetectorData {
    /// Arrays (npy, npz, idx) hold whatever floats were saved. As in CSV/TSV tables, a row
    /// with a NaN or ±Inf is refused, or with `skipping` left out with its label and
    /// counted in the summary: scored, it would come out as NaN and never be flagged.
    /// - Throws: ``DataError`` `.nonFinite` naming the file, the row and the value.
    mutating func screenNonFiniteRows(skipping: Bool) throws {
        guard let first = features.firstNonFiniteIndex else { return }
        let n = features.shape[0]
        let width = features.count / n
        guard skipping else {
            let (row, j) = first.quotientAndRemainder(dividingBy: width)
            let value = features.withUnsafeBufferPointer { $0[first] }
            throw DataError(
                .nonFinite, file: source,
                message: "row \(row), value \(j) of the row is \(value), not a finite number "
                    + "(rows and values count from 0)",
                remedy: "Fix the value, or read with skippingNonFiniteRows: true to leave such rows out.")
        }
        var kept: [Int] = []
        features.withUnsafeBufferPointer { x in
            for r in 0..<n where latent_first_non_finite(x.baseAddress! + r * width, width) < 0 { kept.append(r) }
        }
        guard !kept.isEmpty else {
            throw DataError(
                .nonFinite, file: source,
                message: "every one of its \(n) rows holds a NaN or infinite value",
                remedy: "Check how the array was made.")
        }
        features = features.gathering(rows: kept)
        if let all = labels { labels = kept.map { all[$0] } }
        summary += "; skipped \(n - kept.count) rows with NaN or infinite values"
    }
}
