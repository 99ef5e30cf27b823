import Foundation
import Latent

/// A gRPC infer request, checked against the model as an HTTP body is: one FP32 (or FP64)
/// input of shape `[rows, d]`, its values either in `raw_input_contents` (little-endian,
/// what tritonclient sends by default) or in `contents.fp32_contents` / `fp64_contents`.
extension Inference_ModelInferRequest {
    /// The request checked against `model`; every refusal is a ``V2Error`` that names the
    /// model and the field at fault.
    func parsed(model: ServedModel, limits: ServerLimits) throws -> ParsedInference {
        do {
            return try checked(model: model, limits: limits)
        } catch var error as V2Error {
            error.message = "model '\(model.name)': " + error.message
            throw error
        }
    }

    private func checked(model: ServedModel, limits: ServerLimits) throws -> ParsedInference {
        let d = model.metadata.inputs[0].shape[1]
        guard inputs.count == 1 else {
            throw V2Error(.badRequest, "expected exactly one input tensor, got \(inputs.count)")
        }
        let input = inputs[0]
        let name = clip(input.name)
        let datatype = input.datatype.uppercased()
        let width: Int
        switch datatype {
        case "FP32": width = 4
        case "FP64": width = 8
        default:
            throw V2Error(.badRequest, "input '\(name)' has datatype \(clip(input.datatype)); send FP32")
        }
        guard input.shape.allSatisfy({ abs($0) <= 1 << 40 }) else {
            throw V2Error(.badRequest, "input '\(name)' has shape \(input.shape); send [rows, \(d)]")
        }
        let shape = input.shape.map { Int($0) }
        let n = try checkShape(shape, input: input.name, features: d, limits: limits)
        let count = n * d
        let values: [Float]
        if !rawInputContents.isEmpty {
            guard rawInputContents.count == 1 else {
                throw V2Error(
                    .badRequest,
                    "raw_input_contents has \(rawInputContents.count) entries for 1 input")
            }
            guard !input.hasContents else {
                throw V2Error(
                    .badRequest, "input '\(name)' has both contents and raw_input_contents")
            }
            let raw = rawInputContents[0]
            guard raw.count == count * width else {
                throw V2Error(
                    .badRequest,
                    "input '\(name)' has shape \(shape) (\(count * width) bytes of "
                        + "\(datatype)) but raw_input_contents[0] holds \(raw.count) bytes")
            }
            values = raw.withUnsafeBytes { littleEndianValues($0, width: width, count: count) }
        } else {
            let contents = input.contents
            let given = width == 4 ? contents.fp32Contents.count : contents.fp64Contents.count
            guard given == count else {
                let field = width == 4 ? "fp32_contents" : "fp64_contents"
                throw V2Error(
                    .badRequest,
                    "input '\(name)' has shape \(shape) (\(count) values) but "
                        + "contents.\(field) holds \(given)")
            }
            values = width == 4 ? contents.fp32Contents : contents.fp64Contents.map { Float($0) }
        }
        let explain = (parameters["explain"] ?? input.parameters["explain"]).map(\.value)
        return try checkedInference(
            id: id.isEmpty ? nil : id, rows: n, values: values, features: d, explain: explain,
            outputs: outputs.map(\.name), limits: limits)
    }
}

extension Inference_InferParameter {
    /// The parameter as the HTTP side reads parameters.
    var value: ParameterValue {
        switch parameterChoice {
        case .boolParam(let b): return .bool(b)
        case .int64Param(let i): return .number(Double(i))
        case .uint64Param(let u): return .number(Double(u))
        case .doubleParam(let x): return .number(x)
        case .stringParam(let s): return .string(s)
        case nil: return .string("")
        }
    }
}
