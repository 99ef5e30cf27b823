import Foundation

/// Scores every row of a table read whole (``DetectorData``) and writes one record per
/// row, in input order: the file counterpart of ``ScoreStream``.
///
/// ```
/// rows ──batches of ScoringBatches.rows──→ evaluate → records → output
/// with a false discovery rate Q:
/// rows → evaluate all → Benjamini–Hochberg at Q over every p-value → records → output
/// ```
///
/// Without a false discovery rate each batch is written as soon as it is scored. With
/// one, the procedure needs every p-value of the file before any record, so the rows'
/// results are held (not their features) and the records follow; the FDR guarantee then
/// holds over the whole file.
///
/// ```swift
/// var scoring = ScoreFile(detector: detector, writer: writer)
/// scoring.falseDiscoveryRate = 0.1
/// let summary = try scoring.run(data.features, output: STDOUT_FILENO)
/// ```
public struct ScoreFile {
    public let detector: AnomalyDetector
    /// The record format; its `discovery` field is set from ``falseDiscoveryRate``.
    public let writer: ScoreRecordWriter
    /// Benjamini–Hochberg at this false discovery rate over all the rows' conformal
    /// p-values, in a `discovery` field; `nil` for none.
    public var falseDiscoveryRate: Double?

    public init(detector: AnomalyDetector, writer: ScoreRecordWriter) {
        self.detector = detector
        self.writer = writer
    }

    /// What a run wrote (no unreadable rows, no header: the table was read whole).
    public typealias Summary = ScoreStream.Summary

    /// Scores `rows` (`[n, …]`, the detector's schema) and writes the header and one record
    /// per row to `output`.
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` for rows of the wrong
    ///   width; `POSIXError` when `output` cannot be written.
    public func run(_ rows: Tensor, output: Int32) throws -> Summary {
        var writer = self.writer
        writer.discovery = falseDiscoveryRate != nil
        let n = rows.shape.first ?? 0
        var summary = Summary(rows: n)
        var text = writer.header
        guard let falseDiscoveryRate else {
            try ScoringBatches.forEach(rowsOf: n) { range in
                let scored = try detector.evaluate(rows.rows(range), topK: writer.explain)
                for (k, row) in scored.enumerated() {
                    writer.append(index: range.lowerBound + k, row, to: &text)
                    if row.anomaly { summary.anomalies += 1 }
                }
                try Self.write(&text, to: output)
            }
            return summary
        }
        var scored: [RowScore] = []
        scored.reserveCapacity(n)
        try ScoringBatches.forEach(rowsOf: n) { range in
            scored += try detector.evaluate(rows.rows(range), topK: writer.explain)
        }
        let discovered = try benjaminiHochberg(scored.map(\.pValue), falseDiscoveryRate: falseDiscoveryRate)
        for (i, row) in scored.enumerated() {
            writer.append(index: i, row, discovered: discovered[i], to: &text)
            if row.anomaly { summary.anomalies += 1 }
            if discovered[i] { summary.discoveries += 1 }
            if text.utf8.count > 1 << 20 { try Self.write(&text, to: output) }
        }
        try Self.write(&text, to: output)
        return summary
    }

    /// Writes all of `text` to `fd` and empties it.
    private static func write(_ text: inout String, to fd: Int32) throws {
        try AtomicFile.writeAll(text, to: fd)
        text = ""
    }
}
