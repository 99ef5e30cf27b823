import Foundation

// The Open Inference Protocol (KServe V2) REST messages this server reads and writes.
// https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/

/// A V2 parameter value: a number, a string or a boolean.
enum ParameterValue: Codable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        }
    }

    /// The value as a whole number, if it is one (`3`, `3.0` or `"3"`).
    var integer: Int? {
        switch self {
        case .number(let d): return d.rounded() == d && abs(d) < 1e9 ? Int(d) : nil
        case .string(let s): return Int(s)
        case .bool: return nil
        }
    }
}

/// `POST /v2/models/NAME/infer` answer.
struct InferenceResponse: Encodable {
    var model_name: String
    var model_version: String?
    var id: String?
    var parameters: [String: ParameterValue]?
    var outputs: [ResponseOutput]
}

struct ResponseOutput: Encodable {
    var name: String
    var shape: [Int]
    var datatype: String
    var data: TensorData
}

/// An output tensor's values, typed by its V2 datatype.
enum TensorData: Encodable {
    case fp32([Float])
    case fp64([Double])
    case bool([Bool])
    case int32([Int])
    case bytes([String])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .fp32(let v): try c.encode(v)
        case .fp64(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .int32(let v): try c.encode(v)
        case .bytes(let v): try c.encode(v)
        }
    }
}

/// `GET /v2/models/NAME` answer.
struct ModelMetadata: Codable, Equatable {
    struct Tensor: Codable, Equatable {
        var name: String
        var datatype: String
        var shape: [Int]
    }
    var name: String
    var versions: [String]
    var platform: String
    var inputs: [Tensor]
    var outputs: [Tensor]
    var parameters: [String: ParameterValue]?
}

/// `GET /v2` answer.
struct ServerMetadata: Codable {
    var name: String
    var version: String
    var extensions: [String]
}

/// The V2 error body: `{"error": "..."}`.
struct ErrorBody: Codable {
    var error: String
}
