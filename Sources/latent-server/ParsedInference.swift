import Foundation
import Latent

/// A checked inference request.
struct ParsedInference {
    var id: String?
    var rows: Int
    var values: [Float]
    var explain: Int
    var outputs: Set<String>
}

let outputNames: Set<String> = [
    "score", "threshold", "anomaly", "p_value", "explain_index", "explain_feature", "explain_error",
]
let explainOutputs: Set<String> = ["explain_index", "explain_feature", "explain_error"]

/// The checks every infer request gets, whatever carried it (JSON, binary tensors, gRPC):
/// finite values, the `explain` parameter, the requested outputs (none: all).
func checkedInference(
    id: String?, rows n: Int, values: [Float], features d: Int, explain value: ParameterValue?,
    outputs requested: [String]?, limits: ServerLimits
) throws -> ParsedInference {
    if let bad = values.withUnsafeBufferPointer(Tensor.firstNonFiniteIndex(in:)) {
        throw V2Error(.badRequest, "row \(bad / d), feature \(bad % d) is not a finite FP32 number")
    }
    var explain = 0
    if let value {
        let most = min(limits.maxExplain, d)
        guard let k = value.integer, k >= 0, k <= most else {
            throw V2Error(.badRequest, "parameter explain must be a whole number from 0 to \(most)")
        }
        explain = k
    }
    var outputs = outputNames
    if let requested, !requested.isEmpty {
        outputs = Set(requested)
        if let unknown = outputs.subtracting(outputNames).first {
            throw V2Error(
                .badRequest,
                "unknown output '\(clip(unknown))'; outputs are \(outputNames.sorted().joined(separator: ", "))")
        }
        if explain == 0, let missing = outputs.intersection(explainOutputs).sorted().first {
            throw V2Error(
                .badRequest, "output '\(missing)' is produced only with the parameter explain: K (K ≥ 1)")
        }
    }
    return ParsedInference(id: id, rows: n, values: values, explain: explain, outputs: outputs)
}

/// `count` little-endian FP32 (`width` 4) or FP64 (`width` 8) values from the start of
/// `raw`, as `Float` (FP64 rounded to nearest): the binary tensors of HTTP and gRPC.
func littleEndianValues(_ raw: UnsafeRawBufferPointer, width: Int, count: Int) -> [Float] {
    precondition(raw.count >= count * width, "the caller checks the byte count first")
    if width == 4 {
        return (0..<count).map {
            Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
        }
    }
    return (0..<count).map {
        Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))))
    }
}
