import Foundation
import Latent

/// Writes the infer answer as JSON text directly (every number finite, shortest
/// round-trip form): the answer for 256 rows is ~25 kB, and JSONEncoder's boxing of every
/// value was a large share of the time per request.
///
/// A row whose score is not finite is refused (``checkFinite(_:)``).
func inferenceResponse(_ parsed: ParsedInference, _ rows: [RowScore], model: ServedModel) throws -> [UInt8] {
    try checkFinite(rows)
    let n = rows.count
    let k = parsed.explain
    var w = JSONTextWriter()
    w.raw("{\"model_name\":")
    w.string(model.name)
    w.raw(",\"model_version\":\"1\"")
    if let id = parsed.id {
        w.raw(",\"id\":")
        w.string(id)
    }
    w.raw(",\"outputs\":[")
    var first = true
    func output(_ name: String, _ shape: String, _ datatype: String, _ data: (inout JSONTextWriter) -> Void) {
        guard parsed.outputs.contains(name) else { return }
        if !first { w.raw(",") }
        first = false
        w.raw("{\"name\":\"\(name)\",\"shape\":\(shape),\"datatype\":\"\(datatype)\",\"data\":[")
        data(&w)
        w.raw("]}")
    }
    output("score", "[\(n)]", "FP32") { w in w.list(rows) { w, r in w.number(r.score) } }
    output("threshold", "[\(n)]", "FP32") { w in w.list(rows) { w, _ in w.number(model.threshold) } }
    output("anomaly", "[\(n)]", "BOOL") { w in w.list(rows) { w, r in w.raw(r.anomaly ? "true" : "false") } }
    output("p_value", "[\(n)]", "FP64") { w in w.list(rows) { w, r in w.number(r.pValue) } }
    if k > 0 {
        let e = rows.flatMap(\.explanation)
        output("explain_index", "[\(n),\(k)]", "INT32") { w in w.list(e) { w, x in w.raw(String(x.index)) } }
        output("explain_feature", "[\(n),\(k)]", "BYTES") { w in w.list(e) { w, x in w.string(x.name) } }
        output("explain_error", "[\(n),\(k)]", "FP32") { w in w.list(e) { w, x in w.number(x.error) } }
    }
    w.raw("]}")
    return w.bytes
}

/// Refuses rows whose score is not finite (400 naming the row): their values, scaled by
/// the detector's fitted ranges, overflow FP32. The protocol has no way to carry such a
/// number in an FP32 tensor, and a string there would break clients.
func checkFinite(_ rows: [RowScore]) throws {
    for (i, row) in rows.enumerated()
    where !row.score.isFinite || !row.pValue.isFinite || !row.explanation.allSatisfy(\.error.isFinite) {
        throw V2Error(
            .badRequest,
            "row \(i): its values, scaled by the model's fitted feature ranges, overflow FP32 "
                + "(the reconstruction error is not a finite number); send values nearer the training data's range")
    }
}

/// Appends JSON text to a byte array.
struct JSONTextWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A finite number in its shortest round-trip form (Swift's `description`).
    mutating func number(_ x: Float) { raw(x.description) }
    mutating func number(_ x: Double) { raw(x.description) }

    mutating func list<T>(_ items: [T], _ each: (inout JSONTextWriter, T) -> Void) {
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            each(&self, item)
        }
    }

    /// A JSON string, escaped.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(c >> 4)])
                bytes.append(hex[Int(c & 15)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
