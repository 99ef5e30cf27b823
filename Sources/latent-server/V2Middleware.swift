import Foundation
import Hummingbird
import Logging

/// Turns every failure into V2 error JSON, checks the access token, and logs one
/// structured line per request, refused ones included.
struct V2Middleware: RouterMiddleware {
    typealias Context = ServerContext
    var auth: AccessToken?
    var metrics: ServerMetrics?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        metrics?.started()
        var response: Response
        do {
            if let auth, AccessToken.guards(request.uri.path) { try auth.check(request) }
            response = try await next(request, context)
        } catch let error as V2Error {
            response = try json(ErrorBody(error: error.message), status: error.status)
            if error.status == .unauthorized {
                response.headers[.wwwAuthenticate] = "Bearer"
            }
        } catch let error as HTTPError {
            let message =
                error.status == .contentTooLarge
                ? "the request body is larger than the server's limit" : (error.body ?? error.status.reasonPhrase)
            response = try json(ErrorBody(error: message), status: error.status)
        } catch {
            response = try json(ErrorBody(error: "internal error: \(clip("\(error)"))"), status: .internalServerError)
        }
        let elapsed = ContinuousClock.now - start
        metrics?.finished(path: request.uri.path, status: response.status.code, elapsed: elapsed)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        let metadata: Logger.Metadata = [
            "client": "\(context.client)", "method": "\(request.method)",
            "path": "\(clip(request.uri.path))", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.2f", ms))",
        ]
        if response.status.code >= 400 {
            context.logger.notice("refused", metadata: metadata)
        } else {
            context.logger.info("request", metadata: metadata)
        }
        return response
    }
}

/// `--auth-token-file FILE`: infer and repository routes need `Authorization: Bearer TOKEN`.
struct AccessToken: Sendable {
    let token: [UInt8]

    /// Reads the token: the file's first line, without surrounding white space.
    init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ServerStartError("--auth-token-file \(file): cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let token = line.trimmingCharacters(in: .whitespaces)
        guard token.utf8.count >= 16 else {
            throw ServerStartError("--auth-token-file \(file): the token must be at least 16 characters")
        }
        self.token = Array(token.utf8)
    }

    init(token: String) { self.token = Array(token.utf8) }

    /// Whether a path needs the token: infer and the repository; health, metadata and
    /// metrics stay open for probes and scrapers.
    static func guards(_ path: String) -> Bool {
        path.hasPrefix("/v2/repository") || (path.hasPrefix("/v2/models/") && path.hasSuffix("/infer"))
    }

    func check(_ request: Request) throws {
        try check(authorization: request.headers[.authorization], what: "this route")
    }

    /// Checks an `Authorization` header (HTTP) or `authorization` metadata value (gRPC).
    /// - Parameter what: the route or RPC, for the refusal.
    func check(authorization header: String?, what: String) throws {
        guard let header, header.hasPrefix("Bearer ") else {
            throw V2Error(.unauthorized, "\(what) needs 'Authorization: Bearer TOKEN'")
        }
        let given = Array(header.utf8.dropFirst(7))
        // Constant time in the token's content: compare every byte whatever differs first.
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for i in 0..<token.count { difference |= token[i] ^ (i < given.count ? given[i] : 0) }
        guard difference == 0 else { throw V2Error(.unauthorized, "the bearer token is not accepted") }
    }
}

/// A problem with the command line or the files it names, found at start.
struct ServerStartError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
