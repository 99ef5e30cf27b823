import Foundation
import Latent

/// The parts of a V2 infer body the server reads, before they are checked against the model.
struct RawInferenceRequest {
    struct Input {
        var name = ""
        var shape: [Int]?
        var datatype: String?
        var parameters: [String: ParameterValue] = [:]
        var data: [Float]?
    }
    var id: String?
    var parameters: [String: ParameterValue] = [:]
    var input: Input?
    var outputs: [String]?

    /// Reads the JSON body. When `shape` and `datatype` come before `data` (as every
    /// client known writes them), the shape is checked against the model and the limits
    /// before any value is stored, and exactly that many values are allocated; otherwise
    /// the values are bounded by the body's size (each takes at least two bytes of text
    /// and four of memory: at most twice the body).
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, features d: Int, limits: ServerLimits
    ) throws
        -> RawInferenceRequest
    {
        var request = RawInferenceRequest()
        var reader = JSONReader(bytes)
        do {
            guard reader.peek() == UInt8(ascii: "{") else {
                throw reader.fail("expected a JSON object")
            }
            var sawInputs = false
            try reader.object { key, reader in
                switch key {
                case "id":
                    if case .string(let s) = try reader.value() { request.id = s }
                case "parameters":
                    request.parameters = try parameters(&reader)
                case "inputs":
                    sawInputs = true
                    try reader.array { reader in
                        guard request.input == nil else {
                            throw V2Error(.badRequest, "expected exactly one input tensor, got more than one")
                        }
                        request.input = try input(&reader, features: d, limits: limits, bodyBytes: bytes.count)
                    }
                case "outputs":
                    var names: [String] = []
                    try reader.array { reader in
                        try reader.object { key, reader in
                            if key == "name", case .string(let s) = try reader.value() {
                                names.append(s)
                            } else {
                                _ = try reader.value()
                            }
                        }
                    }
                    request.outputs = names
                default:
                    _ = try reader.value()
                }
            }
            try reader.expectEnd()
            guard sawInputs else { throw reader.fail("missing 'inputs'") }
        } catch let failure as JSONReader.Failure {
            throw V2Error(.badRequest, "the body is not a V2 inference request: \(failure)")
        }
        return request
    }

    private static func parameters(_ reader: inout JSONReader) throws -> [String: ParameterValue] {
        var result: [String: ParameterValue] = [:]
        try reader.object { key, reader in
            switch try reader.value() {
            case .bool(let b): result[key] = .bool(b)
            case .number(let n): result[key] = .number(n)
            case .string(let s): result[key] = .string(s)
            default: break  // null, arrays and objects: no parameter this server reads is one
            }
        }
        return result
    }

    private static func input(
        _ reader: inout JSONReader, features d: Int, limits: ServerLimits, bodyBytes: Int
    ) throws -> Input {
        var input = Input()
        try reader.object { key, reader in
            switch key {
            case "name":
                guard case .string(let s) = try reader.value() else { throw reader.fail("'name' must be a string") }
                input.name = s
            case "datatype":
                guard case .string(let s) = try reader.value() else {
                    throw reader.fail("'datatype' must be a string")
                }
                input.datatype = s
            case "shape":
                var shape: [Int] = []
                try reader.array { reader in
                    let x = try reader.number()
                    guard x.rounded() == x, abs(x) <= Double(1 << 40) else {
                        throw reader.fail("shape holds \(x), not a whole number")
                    }
                    shape.append(Int(x))
                }
                input.shape = shape
            case "parameters":
                input.parameters = try parameters(&reader)
            case "data":
                var values: [Float] = []
                var limit = bodyBytes / 2 + 1
                if let shape = input.shape, let datatype = input.datatype {
                    try checkDatatype(datatype, input: input.name)
                    let n = try checkShape(shape, input: input.name, features: d, limits: limits)
                    limit = n * d
                    values.reserveCapacity(limit)
                }
                try reader.floats(into: &values, limit: limit)
                input.data = values
            default:
                _ = try reader.value()
            }
        }
        return input
    }
}

let numericDatatypes: Set<String> = [
    "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
]

func checkDatatype(_ datatype: String, input name: String) throws {
    guard numericDatatypes.contains(datatype.uppercased()) else {
        throw V2Error(.badRequest, "input '\(clip(name))' has datatype \(clip(datatype)); send FP32")
    }
}

/// Checks `shape` against the model's `d` features and the row limit; returns the rows.
func checkShape(_ shape: [Int], input name: String, features d: Int, limits: ServerLimits) throws -> Int {
    guard shape.count >= 2, shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }) else {
        throw V2Error(.badRequest, "input '\(clip(name))' has shape \(clip("\(shape)")); send [rows, \(d)]")
    }
    var features = 1
    for dim in shape.dropFirst() {
        let (product, overflow) = features.multipliedReportingOverflow(by: dim)
        guard !overflow else { throw V2Error(.badRequest, "shape \(clip("\(shape)")) is too large") }
        features = product
    }
    guard features == d else {
        throw V2Error(
            .badRequest,
            "input '\(clip(name))' has \(features) features per row (shape \(clip("\(shape)"))) but the model takes \(d); send [rows, \(d)]"
        )
    }
    let n = shape[0]
    guard n >= 1 else { throw V2Error(.badRequest, "input '\(clip(name))' has no rows") }
    guard n <= limits.maxRows else {
        throw V2Error(
            .contentTooLarge, "input '\(clip(name))' has \(n) rows; at most \(limits.maxRows) per request")
    }
    return n
}

/// Decodes and checks an infer body against the model; every problem is a ``V2Error``.
///
/// - Parameter binary: with the Triton binary tensor extension, the bytes after the JSON
///   header; an input whose parameter `binary_data_size` is set takes its values from there
///   (little-endian FP32 or FP64, row-major).
func parseInference(
    _ json: UnsafeBufferPointer<UInt8>, binary: UnsafeBufferPointer<UInt8>? = nil, model: ServedModel,
    limits: ServerLimits
) throws -> ParsedInference {
    let d = model.metadata.inputs[0].shape[1]
    let request = try RawInferenceRequest.read(json, features: d, limits: limits)
    guard let input = request.input else {
        throw V2Error(.badRequest, "expected exactly one input tensor, got 0")
    }
    let name = clip(input.name)
    guard let datatype = input.datatype else { throw V2Error(.badRequest, "input '\(name)' has no datatype") }
    try checkDatatype(datatype, input: input.name)
    guard let shape = input.shape else { throw V2Error(.badRequest, "input '\(name)' has no shape") }
    let n = try checkShape(shape, input: input.name, features: d, limits: limits)
    var values: [Float]
    if let size = input.parameters["binary_data_size"] {
        guard input.data == nil else {
            throw V2Error(.badRequest, "input '\(name)' has both data and binary_data_size")
        }
        values = try binaryValues(
            binary, size: size, datatype: datatype.uppercased(), count: n * d, input: name)
    } else {
        guard let data = input.data else { throw V2Error(.badRequest, "input '\(name)' has no data") }
        values = data
    }
    guard values.count == n * d else {
        throw V2Error(
            .badRequest,
            "input '\(name)' has shape \(shape) (\(n * d) values) but its data holds \(values.count)")
    }
    return try checkedInference(
        id: request.id, rows: n, values: values, features: d,
        explain: request.parameters["explain"] ?? input.parameters["explain"], outputs: request.outputs,
        limits: limits)
}

/// The values of a binary input: `size` bytes at the start of `binary`.
private func binaryValues(
    _ binary: UnsafeBufferPointer<UInt8>?, size: ParameterValue, datatype: String, count: Int, input name: String
) throws -> [Float] {
    let width: Int
    switch datatype {
    case "FP32": width = 4
    case "FP64": width = 8
    default:
        throw V2Error(.badRequest, "binary input '\(name)' has datatype \(clip(datatype)); send FP32 or FP64")
    }
    guard let bytes = size.integer, bytes == count * width else {
        throw V2Error(
            .badRequest, "input '\(name)' has binary_data_size \(size) but its shape needs \(count * width) bytes")
    }
    guard let binary, binary.count == bytes else {
        throw V2Error(
            .badRequest,
            "input '\(name)' declares \(bytes) binary bytes but the body carries \(binary?.count ?? 0) after the JSON header"
        )
    }
    return littleEndianValues(UnsafeRawBufferPointer(binary), width: width, count: count)
}
