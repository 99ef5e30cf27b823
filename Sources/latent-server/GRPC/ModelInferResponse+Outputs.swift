import Foundation
import Latent

/// The infer answer over gRPC: the outputs HTTP answers, in the same order and with the
/// same datatypes and shapes, either as `raw_output_contents` (little-endian bytes; BYTES
/// elements each led by a 4-byte little-endian length, as Triton lays them out) or as typed
/// `contents`.
extension Inference_ModelInferResponse {
    init(_ parsed: ParsedInference, _ rows: [RowScore], model: ServedModel, raw: Bool) throws {
        try checkFinite(rows)
        self.init()
        modelName = model.name
        modelVersion = "1"
        id = parsed.id ?? ""
        let n = rows.count
        let k = parsed.explain
        var tensors: [InferOutputTensor] = []
        var bytes: [Data] = []
        func output(_ name: String, _ shape: [Int], _ datatype: String, _ values: () -> TensorData) {
            guard parsed.outputs.contains(name) else { return }
            var tensor = InferOutputTensor()
            tensor.name = name
            tensor.datatype = datatype
            tensor.shape = shape.map(Int64.init)
            if raw {
                bytes.append(values().littleEndianBytes)
            } else {
                tensor.contents = values().contents
            }
            tensors.append(tensor)
        }
        output("score", [n], "FP32") { .fp32(rows.map(\.score)) }
        output("threshold", [n], "FP32") { .fp32(Array(repeating: model.threshold, count: n)) }
        output("anomaly", [n], "BOOL") { .bool(rows.map(\.anomaly)) }
        output("p_value", [n], "FP64") { .fp64(rows.map(\.pValue)) }
        if k > 0 {
            let e = rows.flatMap(\.explanation)
            output("explain_index", [n, k], "INT32") { .int32(e.map(\.index)) }
            output("explain_feature", [n, k], "BYTES") { .bytes(e.map(\.name)) }
            output("explain_error", [n, k], "FP32") { .fp32(e.map(\.error)) }
        }
        outputs = tensors
        rawOutputContents = bytes
    }
}

extension TensorData {
    /// The values in `InferTensorContents`' field for their datatype.
    var contents: Inference_InferTensorContents {
        var c = Inference_InferTensorContents()
        switch self {
        case .fp32(let v): c.fp32Contents = v
        case .fp64(let v): c.fp64Contents = v
        case .bool(let v): c.boolContents = v
        case .int32(let v): c.intContents = v.map { Int32(truncatingIfNeeded: $0) }
        case .bytes(let v): c.bytesContents = v.map { Data($0.utf8) }
        }
        return c
    }

    /// The values as raw tensor bytes: little-endian numbers, one byte per BOOL, and each
    /// BYTES element as a 4-byte little-endian length and its UTF-8.
    var littleEndianBytes: Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ x: T) {
            withUnsafeBytes(of: x.littleEndian) { data.append(contentsOf: $0) }
        }
        switch self {
        case .fp32(let v):
            data.reserveCapacity(v.count * 4)
            for x in v { append(x.bitPattern) }
        case .fp64(let v):
            data.reserveCapacity(v.count * 8)
            for x in v { append(x.bitPattern) }
        case .bool(let v): data = Data(v.map { $0 ? UInt8(1) : 0 })
        case .int32(let v): for x in v { append(Int32(truncatingIfNeeded: x)) }
        case .bytes(let v):
            for s in v {
                append(UInt32(s.utf8.count))
                data.append(contentsOf: s.utf8)
            }
        }
        return data
    }
}
