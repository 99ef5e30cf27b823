import Foundation

/// Formats per-row scoring results as CSV or NDJSON, one line per input row.
///
/// ```text
/// csv:    index,score,threshold,anomaly,p_value[,feature_1,error_1,…][,error]
///         0,0.0213,0.0412,false,0.48
/// ndjson: {"index":0,"score":0.0213,"threshold":0.0412,"anomaly":false,"p_value":0.48,
///          "explanation":[{"feature":"t37","index":37,"error":0.21}]}
/// ```
///
/// With ``discovery`` (`--fdr Q`), a `discovery` field follows `p_value`: whether the
/// Benjamini–Hochberg procedure at level `Q` rejects the row's null hypothesis (normal).
///
/// With `errorColumn` (streaming), CSV gets a last `error` column, empty for scored rows;
/// a row that could not be read becomes `index,,,,,…,message` (CSV) or
/// `{"index":7,"line":9,"error":"…"}` (NDJSON).
public struct ScoreRecordWriter: Sendable {
    /// The output layout.
    public enum Format: String, CaseIterable, Sendable {
        case csv, ndjson
    }

    public let format: Format
    /// Features explained per row (0 for none).
    public let explain: Int
    /// Whether CSV output has an `error` column (streaming mode).
    public let errorColumn: Bool
    /// The threshold written on every row.
    public let threshold: Float
    /// Whether records carry a `discovery` field (Benjamini–Hochberg over a batch).
    public var discovery = false
    /// For a calibration-conditional rule (`fpr:ALPHA@C`): the adjusted p-values
    /// `b₁ … bₙ` (``ConformalCalibration/conditionalBounds(count:confidence:bound:)``);
    /// records then carry `p_value_conditional = bⱼ` (`j = p_value · (n + 1)`, `1` for
    /// `j = n + 1`), the p-value the rule compares with ALPHA.
    public var conditional: [Double]?

    /// The writer's settings for `detector`: its threshold, and the conditional p-value
    /// column when its rule is calibration-conditional.
    public init(
        format: Format, explain: Int, errorColumn: Bool, detector: AnomalyDetector
    ) {
        self.init(
            format: format, explain: explain, errorColumn: errorColumn,
            threshold: detector.threshold)
        if case .conditionalFalsePositiveRate(_, let confidence, let bound) = detector.thresholdRule {
            conditional = ConformalCalibration.conditionalBounds(
                count: detector.calibration.count, confidence: confidence, bound: bound)
        }
    }

    private func conditionalPValue(_ p: Double) -> Double {
        guard let conditional, !p.isNaN else { return p }
        let j = Int((p * Double(conditional.count + 1)).rounded())
        return j >= 1 && j <= conditional.count ? conditional[j - 1] : 1
    }

    public init(format: Format, explain: Int, errorColumn: Bool, threshold: Float) {
        self.format = format
        self.explain = explain
        self.errorColumn = errorColumn
        self.threshold = threshold
    }

    /// The CSV header line (with its newline), or `""` for NDJSON.
    public var header: String {
        guard format == .csv else { return "" }
        var fields = ["index", "score", "threshold", "anomaly", "p_value"]
        if conditional != nil { fields.append("p_value_conditional") }
        if discovery { fields.append("discovery") }
        for k in 0..<explain { fields += ["feature_\(k + 1)", "error_\(k + 1)"] }
        if errorColumn { fields.append("error") }
        return fields.joined(separator: ",") + "\n"
    }

    /// Appends the line for a scored row to `out`.
    /// `discovered` fills the `discovery` field when ``discovery`` is on.
    public func append(index: Int, _ row: RowScore, discovered: Bool = false, to out: inout String) {
        switch format {
        case .csv:
            out += "\(index),\(row.score),\(threshold),\(row.anomaly),\(row.pValue)"
            if conditional != nil { out += ",\(conditionalPValue(row.pValue))" }
            if discovery { out += ",\(discovered)" }
            for k in 0..<explain {
                if k < row.explanation.count {
                    let f = row.explanation[k]
                    out += ",\(Self.csvField(f.name)),\(f.error)"
                } else {
                    out += ",,"
                }
            }
            if errorColumn { out += "," }
            out += "\n"
        case .ndjson:
            out +=
                "{\"index\":\(index),\"score\":\(Self.number(row.score)),\"threshold\":\(Self.number(threshold)),"
            out += "\"anomaly\":\(row.anomaly),\"p_value\":\(row.pValue)"
            if conditional != nil {
                out += ",\"p_value_conditional\":\(conditionalPValue(row.pValue))"
            }
            if discovery { out += ",\"discovery\":\(discovered)" }
            if explain > 0 {
                out += ",\"explanation\":["
                out += row.explanation.map {
                    "{\"feature\":\(Self.jsonString($0.name)),\"index\":\($0.index),\"error\":\(Self.number($0.error))}"
                }.joined(separator: ",")
                out += "]"
            }
            out += "}\n"
        }
    }

    /// Appends the record of a row that could not be read.
    public func appendError(index: Int, line: Int, message: String, to out: inout String) {
        switch format {
        case .csv:
            out += "\(index),,,,"
            if conditional != nil { out += "," }
            if discovery { out += "," }
            out += String(repeating: ",,", count: explain)
            out += ",\(Self.csvField("line \(line): \(message)"))\n"
        case .ndjson:
            out += "{\"index\":\(index),\"line\":\(line),\"error\":\(Self.jsonString(message))}\n"
        }
    }

    /// A float as JSON (non-finite values become `null`).
    static func number(_ x: Float) -> String { x.isFinite ? "\(x)" : "null" }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A JSON string literal (the same escaping as safetensors headers).
    static func jsonString(_ text: String) -> String { SafeTensorsJSON.quoted(text) }
}
