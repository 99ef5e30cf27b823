import Foundation
import GRPCCore
import Latent

/// ModelInfer: the request checked as an HTTP body is (``ModelInferRequest+Parse.swift``),
/// scored by the model's micro-batcher together with HTTP requests, answered with the
/// outputs HTTP answers (``ModelInferResponse+Outputs.swift``).
@available(macOS 15.0, *)
extension InferenceService {
    func modelInfer(
        request: ServerRequest<Inference_ModelInferRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ModelInferResponse> {
        await call.answer(request, context, guarded: true) { message in
            let served = try await model(message.modelName, version: message.modelVersion)
            let limits = self.limits
            let parsed = try await pool.run { try message.parsed(model: served, limits: limits) }
            let rows = try await served.batcher.evaluate(
                rows: parsed.values, count: parsed.rows, topK: parsed.explain)
            // Raw outputs when the inputs came raw (tritonclient's default), typed otherwise.
            let raw = !message.rawInputContents.isEmpty
            let answer = try await pool.run {
                try Inference_ModelInferResponse(parsed, rows, model: served, raw: raw)
            }
            registry.metrics.scored(model: served.name, rows: rows.count, anomalies: rows.count { $0.anomaly })
            return answer
        }
    }
}
