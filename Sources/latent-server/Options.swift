import ArgumentParser
import Foundation
import Hummingbird
import Latent
import Logging
import NIOCore
import ServiceLifecycle

/// `latent-server [--host 127.0.0.1] [--port 8080] DIR…`: serves detector directories over
/// the Open Inference Protocol (KServe V2 REST).
@main
struct LatentServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-server",
        abstract: "Serve detector directories over the Open Inference Protocol (KServe V2).",
        discussion: """
            Each DIR is a directory written by `latent detector fit`; its base name is the \
            model's name. Routes: GET /v2/health/live, /v2/health/ready, /v2/models/NAME, \
            /v2/models/NAME/ready, POST /v2/models/NAME/infer (each also under \
            /v2/models/NAME/versions/1); with --model-repository DIR also POST \
            /v2/repository/index and /v2/repository/models/NAME/load|unload, which load \
            DIR/NAME by name. A served directory that changes (a new fit, `latent detector \
            threshold`) is reloaded within --reload-interval, and every one on SIGHUP. \
            With --grpc-port the same models are also served over gRPC \
            (inference.GRPCInferenceService: ServerLive, ServerReady, ModelReady, \
            ServerMetadata, ModelMetadata, ModelInfer, and with --model-repository \
            RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload), sharing the models, \
            batching, token and limits. Stops gracefully on SIGTERM or SIGINT.
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(
        name: [.customLong("port"), .customLong("http-port")],
        help: "The HTTP port to listen on (0 picks a free one).")
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "Also serve gRPC on this port, at --host (0 picks a free one). Off by default.",
            valueName: "PORT"))
    var grpcPort: Int?

    @Option(help: "The largest request body, in bytes.")
    var maxBodyBytes = ServerLimits().maxBodyBytes

    @Option(
        help: """
            The most rows per infer request. A request must also fit --max-body-bytes: \
            JSON text takes about 10 bytes per value, so 16 MiB holds ~1.6 million values \
            (10 000 rows of up to ~160 features); binary tensors take 4 bytes per value.
            """)
    var maxRows = ServerLimits().maxRows

    @Option(help: "The most rows scored in one micro-batch.")
    var maxBatchRows = ServerLimits().maxBatchRows

    @Option(help: "How many request bodies are decoded at once (more wait their turn).")
    var decodeConcurrency = ServerLimits().decodeConcurrency

    @Option(help: "Seconds a whole request body may take to arrive (408 beyond).")
    var bodyTimeout = ServerLimits().bodyTimeout

    @Option(
        help:
            "Seconds a connection may sit idle, or take to send a request head or the next body bytes, before it is closed."
    )
    var idleTimeout = ConnectionLimits().idleTimeout

    @Option(help: "The most open connections; more wait to be accepted.")
    var maxConnections = ConnectionLimits().maxConnections

    @Option(help: "Seconds requests in flight get after SIGTERM before the server exits.")
    var shutdownTimeout = ConnectionLimits().shutdownTimeout

    @Option(help: "Seconds between checks of the served directories for changes (0: only on SIGHUP).")
    var reloadInterval = 1.0

    @Flag(help: "Follow symbolic links in the model repository and detector directories (refused by default).")
    var followSymlinks = false

    @Option(
        help: ArgumentHelp(
            "A file holding a bearer token (one line, 16+ characters) that infer and repository routes require.",
            valueName: "FILE"))
    var authTokenFile: String?

    @Option(
        help: ArgumentHelp(
            "A directory of detector directories that POST /v2/repository/models/NAME/load loads by name.",
            valueName: "DIR"))
    var modelRepository: String?

    @Argument(
        help: "Detector directories to serve, each DIR (named by its base name) or NAME=DIR.")
    var directories: [String] = []

    func validate() throws {
        guard !directories.isEmpty || modelRepository != nil else {
            throw ValidationError("give at least one detector directory, or --model-repository DIR")
        }
        if let modelRepository {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: modelRepository, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { throw ValidationError("--model-repository \(modelRepository) is not a directory") }
        }
        guard maxBodyBytes > 0, maxRows > 0, maxBatchRows > 0, decodeConcurrency > 0, maxConnections > 0 else {
            throw ValidationError("limits must be positive")
        }
        if let grpcPort {
            guard (0...65535).contains(grpcPort) else { throw ValidationError("--grpc-port must be 0 to 65535") }
            guard grpcPort != port || port == 0 else {
                throw ValidationError("--grpc-port must differ from the HTTP port (--port)")
            }
        }
        guard bodyTimeout > 0, idleTimeout > 0, shutdownTimeout > 0, reloadInterval >= 0 else {
            throw ValidationError("timeouts must be positive")
        }
    }

    var limits: ServerLimits {
        ServerLimits(
            maxBodyBytes: maxBodyBytes, maxRows: maxRows, maxBatchRows: maxBatchRows,
            decodeConcurrency: decodeConcurrency, bodyTimeout: bodyTimeout, followSymlinks: followSymlinks)
    }

    func run() async throws {
        LoggingSystem.bootstrap { LogfmtHandler(label: $0) }
        var logger = Logger(label: "latent-server")
        logger.logLevel = .info
        let auth = try authTokenFile.map { try AccessToken(file: $0) }
        let models = try loadModels(directories, limits: limits)
        for (name, model) in models.sorted(by: { $0.key < $1.key }) {
            logger.info(
                "serving", metadata: ["model": "\(name)", "features": "\(model.served.metadata.inputs[0].shape[1])"])
        }
        let registry = ModelRegistry(
            models: models, repository: modelRepository.map { URL(fileURLWithPath: $0) }, limits: limits,
            logger: logger)
        let connections = ConnectionLimits(
            maxConnections: maxConnections, idleTimeout: idleTimeout, shutdownTimeout: shutdownTimeout)
        // One work pool for both protocols: --decode-concurrency bounds them together.
        let pool = WorkPool(width: limits.decodeConcurrency)
        let app = makeApplication(
            registry: registry, limits: limits, connections: connections, auth: auth,
            address: .hostname(host, port: port), logger: logger, pool: pool)
        let watcher = ReloadWatcher(registry: registry, interval: reloadInterval, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: watcher)]
        if let grpcPort {
            guard #available(macOS 15.0, *) else { throw ServerStartError("--grpc-port needs macOS 15 or later") }
            services.append(
                .init(
                    service: GRPCListener(
                        host: host, port: grpcPort, registry: registry, limits: limits, connections: connections,
                        pool: pool, auth: auth, logger: logger)))
        }
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownTimeout * 1000))
        configuration.maximumCancellationDuration = .seconds(2)
        ShutdownDeadline.arm(after: shutdownTimeout + 3, logger: logger)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// The HTTP application: routes, connection cap, idle timeout.
func makeApplication(
    registry: ModelRegistry, limits: ServerLimits, connections: ConnectionLimits, auth: AccessToken?,
    address: BindAddress, logger: Logger, pool: WorkPool? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(registry: registry, limits: limits, auth: auth, pool: pool),
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(connections.idleTimeout * 1000)))),
        configuration: .init(
            address: address, serverName: "latent-server",
            availableConnectionsDelegate: ConnectionCap(connections.maxConnections, logger: logger)),
        onServerRunning: onServerRunning,
        logger: logger)
}

/// A model loaded at start, and where from (for reloads).
struct StartupModel {
    var served: ServedModel
    var url: URL
    var fingerprint: DetectorSnapshot.Fingerprint
}

/// Loads each `DIR` as a model named by its base name, each `NAME=DIR` as `NAME`.
func loadModels(_ directories: [String], limits: ServerLimits) throws -> [String: StartupModel] {
    var models: [String: StartupModel] = [:]
    for argument in directories {
        var path = argument
        var given: String?
        if let equals = argument.firstIndex(of: "="), !FileManager.default.fileExists(atPath: argument) {
            given = String(argument[..<equals])
            path = String(argument[argument.index(after: equals)...])
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let name = given ?? url.lastPathComponent
        guard !name.isEmpty, !name.contains("/") else {
            throw ValidationError("'\(name)' cannot be a model name")
        }
        guard models[name] == nil else {
            throw ValidationError("two directories are named '\(name)'; model names must be unique")
        }
        // A directory named on the command line is the operator's choice: links allowed.
        let (detector, fingerprint) = try DetectorSnapshot.load(url, name: name, followSymlinks: true)
        models[name] = StartupModel(
            served: ServedModel(name: name, detector: detector, limits: limits), url: url,
            fingerprint: fingerprint)
    }
    return models
}
