import Foundation
import GRPCCore
import Latent
import Logging

/// `inference.GRPCInferenceService`, the V2 protocol over gRPC (`--grpc-port`): the same
/// registry, micro-batchers, work pool, token, metrics and logs as the HTTP routes, so a
/// model answers alike whichever protocol asks.
///
/// The RPCs and their HTTP twins:
///
/// | RPC | HTTP |
/// |---|---|
/// | ServerLive, ServerReady | `GET /v2/health/live`, `/ready` |
/// | ServerMetadata, ModelMetadata, ModelReady | `GET /v2`, `/v2/models/NAME`, `…/ready` |
/// | ModelInfer | `POST /v2/models/NAME/infer` |
/// | RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload | `POST /v2/repository/…` |
@available(macOS 15.0, *)
struct InferenceService: Inference_GRPCInferenceService.ServiceProtocol {
    let registry: ModelRegistry
    let limits: ServerLimits
    let pool: WorkPool
    let call: GRPCCall

    init(registry: ModelRegistry, limits: ServerLimits, pool: WorkPool, auth: AccessToken?, logger: Logger) {
        self.registry = registry
        self.limits = limits
        self.pool = pool
        call = GRPCCall(auth: auth, metrics: registry.metrics, logger: logger)
    }

    func serverLive(
        request: ServerRequest<Inference_ServerLiveRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ServerLiveResponse> {
        await call.answer(request, context, guarded: false) { _ in .with { $0.live = true } }
    }

    func serverReady(
        request: ServerRequest<Inference_ServerReadyRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ServerReadyResponse> {
        await call.answer(request, context, guarded: false) { _ in
            let ready = await registry.isReady
            return .with { $0.ready = ready }
        }
    }

    func serverMetadata(
        request: ServerRequest<Inference_ServerMetadataRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ServerMetadataResponse> {
        await call.answer(request, context, guarded: false) { _ in
            .with {
                $0.name = "latent-server"
                $0.version = "1"
                $0.extensions = registry.repository == nil ? [] : ["model_repository"]
            }
        }
    }

    /// Not ready (rather than an error) for a model or version not served, as Triton answers.
    func modelReady(
        request: ServerRequest<Inference_ModelReadyRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ModelReadyResponse> {
        await call.answer(request, context, guarded: false) { message in
            let served = try? await model(message.name, version: message.version)
            return .with { $0.ready = served != nil }
        }
    }

    func modelMetadata(
        request: ServerRequest<Inference_ModelMetadataRequest>, context: GRPCCore.ServerContext
    ) async throws -> ServerResponse<Inference_ModelMetadataResponse> {
        await call.answer(request, context, guarded: false) { message in
            let metadata = try await model(message.name, version: message.version).metadata
            return .with {
                $0.name = metadata.name
                $0.versions = metadata.versions
                $0.platform = metadata.platform
                $0.inputs = metadata.inputs.map(Self.tensor)
                $0.outputs = metadata.outputs.map(Self.tensor)
            }
        }
    }

    private static func tensor(_ t: ModelMetadata.Tensor) -> Inference_ModelMetadataResponse.TensorMetadata {
        .with {
            $0.name = t.name
            $0.datatype = t.datatype
            $0.shape = t.shape.map(Int64.init)
        }
    }

    /// The model `name` at `version` (empty: the only one, "1"), or notFound naming what is served.
    func model(_ name: String, version: String) async throws -> ServedModel {
        let served = try await registry.model(named: name)
        guard version.isEmpty || version == "1" else {
            throw V2Error(.notFound, "model '\(served.name)' has no version '\(clip(version))'; it has version 1")
        }
        return served
    }
}
