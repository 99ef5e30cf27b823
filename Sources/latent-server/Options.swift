import ArgumentParser
import Foundation
import Hummingbird
import Latent
import Logging

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
            POST /v2/models/NAME/infer; with --model-repository DIR also POST \
            /v2/repository/index and /v2/repository/models/NAME/load|unload, which load \
            DIR/NAME by name. Stops gracefully on SIGTERM or SIGINT.
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "The largest request body, in bytes.")
    var maxBodyBytes = ServerLimits().maxBodyBytes

    @Option(help: "The most rows per infer request.")
    var maxRows = ServerLimits().maxRows

    @Option(help: "The most rows scored in one micro-batch.")
    var maxBatchRows = ServerLimits().maxBatchRows

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
        guard maxBodyBytes > 0, maxRows > 0, maxBatchRows > 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    var limits: ServerLimits {
        ServerLimits(maxBodyBytes: maxBodyBytes, maxRows: maxRows, maxBatchRows: maxBatchRows)
    }

    func run() async throws {
        var logger = Logger(label: "latent-server")
        logger.logLevel = .info
        let models = try loadModels(directories, limits: limits)
        for model in models.values.sorted(by: { $0.name < $1.name }) {
            logger.info("serving \(model.name): \(model.metadata.inputs[0].shape[1]) features")
        }
        if let modelRepository {
            logger.info("model repository \(modelRepository): POST /v2/repository/models/NAME/load loads NAME")
        }
        let app = Application(
            router: buildRouter(
                models: models, limits: limits,
                repository: modelRepository.map { URL(fileURLWithPath: $0) }),
            configuration: .init(address: .hostname(host, port: port), serverName: "latent-server"),
            logger: logger)
        try await app.runService()
    }
}

/// Loads each `DIR` as a model named by its base name, each `NAME=DIR` as `NAME`.
func loadModels(_ directories: [String], limits: ServerLimits) throws -> [String: ServedModel] {
    var models: [String: ServedModel] = [:]
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
        let detector = try AnomalyDetector.load(from: url)
        models[name] = ServedModel(name: name, detector: detector, limits: limits)
    }
    return models
}
