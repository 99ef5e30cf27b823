import Foundation
import GRPCCore

/// The model repository extension over gRPC: what Seldon Core 2's agent and Triton's
/// clients call to load and unload models by name. As over HTTP, it exists only with
/// `--model-repository DIR` (otherwise `unimplemented`), so no call can unload a model the
/// server was started to serve.
@available(macOS 15.0, *)
extension InferenceService {
    func repositoryIndex(
        request: ServerRequest<Inference_RepositoryIndexRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_RepositoryIndexResponse> {
        await call.answer(request, context, guarded: true) { message in
            try requireRepository()
            let entries = await registry.index().filter { !message.ready || $0.state == "READY" }
            return .with {
                $0.models = entries.map { entry in
                    .with {
                        $0.name = entry.name
                        $0.version = entry.version
                        $0.state = entry.state
                        $0.reason = entry.reason
                    }
                }
            }
        }
    }

    func repositoryModelLoad(
        request: ServerRequest<Inference_RepositoryModelLoadRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_RepositoryModelLoadResponse> {
        await call.answer(request, context, guarded: true) { message in
            try requireRepository()
            // Triton's overrides (a model config, files sent inline) have no meaning here;
            // refused rather than ignored, so a client never believes they took effect.
            if let key = message.parameters.keys.sorted().first {
                throw V2Error(
                    .badRequest,
                    "model '\(clip(message.modelName))': load parameter '\(clip(key))' is not supported; "
                        + "the server loads DIR/NAME as `latent detector fit` wrote it")
            }
            try await registry.load(message.modelName)
            return Inference_RepositoryModelLoadResponse()
        }
    }

    func repositoryModelUnload(
        request: ServerRequest<Inference_RepositoryModelUnloadRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_RepositoryModelUnloadResponse> {
        await call.answer(request, context, guarded: true) { message in
            try requireRepository()
            try await registry.unload(message.modelName)
            return Inference_RepositoryModelUnloadResponse()
        }
    }

    private func requireRepository() throws {
        guard registry.repository != nil else {
            throw RPCError(
                code: .unimplemented,
                message: "this server has no model repository; start it with --model-repository DIR")
        }
    }
}
