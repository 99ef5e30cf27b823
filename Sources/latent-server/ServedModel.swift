import Foundation
import Hummingbird
import Latent

/// A detector being served: its name (the directory's base name), its batcher and the
/// metadata `GET /v2/models/NAME` answers.
struct ServedModel: Sendable {
    let name: String
    let batcher: MicroBatcher
    let metadata: ModelMetadata
    let threshold: Float

    init(name: String, detector: AnomalyDetector, limits: ServerLimits) {
        self.name = name
        batcher = MicroBatcher(detector: detector, label: name, maxBatchRows: limits.maxBatchRows)
        let d = detector.schema.featureCount
        threshold = detector.threshold
        metadata = ModelMetadata(
            name: name, versions: ["1"], platform: "latent",
            inputs: [.init(name: "input", datatype: "FP32", shape: [-1, d])],
            outputs: [
                .init(name: "score", datatype: "FP32", shape: [-1]),
                .init(name: "threshold", datatype: "FP32", shape: [-1]),
                .init(name: "anomaly", datatype: "BOOL", shape: [-1]),
                .init(name: "p_value", datatype: "FP64", shape: [-1]),
                .init(name: "explain_index", datatype: "INT32", shape: [-1, -1]),
                .init(name: "explain_feature", datatype: "BYTES", shape: [-1, -1]),
                .init(name: "explain_error", datatype: "FP32", shape: [-1, -1]),
            ],
            parameters: [
                "threshold": .number(Double(detector.threshold)),
                "threshold_rule": .string("\(detector.thresholdRule)"),
                "features": .number(Double(d)),
                "calibration_rows": .number(Double(detector.calibration.count)),
            ])
    }
}

/// A request the server refuses: answered as `{"error": message}` with `status`.
struct V2Error: Error {
    var status: HTTPResponse.Status
    var message: String
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
