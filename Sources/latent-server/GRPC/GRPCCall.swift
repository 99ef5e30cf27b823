import Foundation
import GRPCCore
import HTTPTypes
import Logging

/// What every gRPC call goes through, as every HTTP request goes through ``V2Middleware``:
/// the access token (infer and repository calls only), one log line, the metrics, and a
/// refusal (``V2Error``) turned into the gRPC status of the same meaning.
@available(macOS 15.0, *)
struct GRPCCall: Sendable {
    var auth: AccessToken?
    var metrics: ServerMetrics
    var logger: Logger

    /// Answers `request` with `work`, or with the status its error maps to.
    ///
    /// - Parameter guarded: whether the call needs the bearer token (`authorization` metadata).
    func answer<Input: Sendable, Output: Sendable>(
        _ request: ServerRequest<Input>, _ context: GRPCCore.ServerContext, guarded: Bool,
        _ work: (Input) async throws -> Output
    ) async -> ServerResponse<Output> {
        let start = ContinuousClock.now
        let method = context.descriptor.method
        metrics.started()
        let response: ServerResponse<Output>
        do {
            if guarded, let auth {
                let header = request.metadata[stringValues: "authorization"].first { _ in true }
                try auth.check(authorization: header, what: "\(method)")
            }
            response = ServerResponse(message: try await work(request.message))
        } catch let error as V2Error {
            response = ServerResponse(error: RPCError(code: error.status.rpcCode, message: error.message))
        } catch let error as RPCError {
            response = ServerResponse(error: error)
        } catch {
            response = ServerResponse(
                error: RPCError(code: .internalError, message: "internal error: \(clip("\(error)"))"))
        }
        let code: String
        switch response.accepted {
        case .success: code = "ok"
        case .failure(let error): code = error.code.description
        }
        let elapsed = ContinuousClock.now - start
        metrics.finishedRPC(method: method, code: code, elapsed: elapsed)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        let metadata: Logger.Metadata = [
            "client": "\(context.remotePeer)", "rpc": "\(method)", "status": "\(code)",
            "ms": "\(String(format: "%.2f", ms))",
        ]
        if code == "ok" {
            logger.info("grpc", metadata: metadata)
        } else {
            logger.notice("refused", metadata: metadata)
        }
        return response
    }
}

extension HTTPResponse.Status {
    /// The gRPC status code meaning what this HTTP status means to a V2 client.
    var rpcCode: RPCError.Code {
        switch self {
        case .badRequest, .unsupportedMediaType: return .invalidArgument
        case .notFound: return .notFound
        case .unauthorized: return .unauthenticated
        case .forbidden: return .permissionDenied
        case .contentTooLarge, .tooManyRequests: return .resourceExhausted
        case .requestTimeout: return .deadlineExceeded
        case .serviceUnavailable: return .unavailable
        default: return .internalError
        }
    }
}
