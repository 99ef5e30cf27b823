import Foundation
import Latent
import Logging

/// The models being served, where each was loaded from, and the directory more can be
/// loaded from by name: the V2 model repository extension (`POST /v2/repository/index`,
/// `…/models/NAME/load`, `…/models/NAME/unload`), as Triton and MLServer implement it.
///
/// A request holds the ``ServedModel`` it looked up, so unloading or reloading a model
/// never cuts off requests already in flight: they finish on the detector they started
/// with, and the next request sees the new state. Loading reads the files outside the
/// actor, so lookups never wait for a load.
actor ModelRegistry {
    private var models: [String: ServedModel]
    /// Where each served model came from and what its directory looked like then (the
    /// last load attempted, so a broken directory is not retried until it changes again).
    private var sources: [String: Source]
    /// The models named on the command line: the server is ready only while all are served.
    let configured: Set<String>
    /// `--model-repository DIR`: each subdirectory is a detector directory named by it.
    let repository: URL?
    let limits: ServerLimits
    let logger: Logger
    /// Counts loads, requests and rows for `GET /metrics`.
    nonisolated let metrics: ServerMetrics

    struct Source {
        var url: URL
        /// The directory as it was when the served copy was read.
        var fingerprint: DetectorSnapshot.Fingerprint?
        /// The directory as it was before the last failed reload: not retried until it changes.
        var failed: DetectorSnapshot.Fingerprint? = nil
        /// Directories named on the command line may be links (the operator chose them).
        var followSymlinks = false
    }

    /// - Parameters:
    ///   - models: the models loaded at start, with the directories they came from.
    init(
        models: [String: StartupModel] = [:],
        repository: URL?, limits: ServerLimits, logger: Logger = Logger(label: "latent-server"),
        metrics: ServerMetrics = ServerMetrics()
    ) {
        self.metrics = metrics
        for _ in models { metrics.loaded(true) }
        self.models = models.mapValues(\.served)
        sources = models.mapValues { Source(url: $0.url, fingerprint: $0.fingerprint, followSymlinks: true) }
        configured = Set(models.keys)
        self.repository = repository?.standardizedFileURL
        self.limits = limits
        self.logger = logger
    }

    /// True while every model named on the command line is served.
    var isReady: Bool { configured.allSatisfy { models[$0] != nil } }

    /// The names of the models being served.
    var names: [String] { models.keys.sorted() }

    /// The model called `name`, or a 404 naming the ones there are.
    func model(named name: String) throws -> ServedModel {
        guard let served = models[name] else {
            let names = models.keys.sorted().joined(separator: ", ")
            throw V2Error(
                .notFound,
                "no model named '\(clip(name))'; this server serves "
                    + (names.isEmpty ? "none yet" : names)
                    + (repository == nil ? "" : " (load one with POST /v2/repository/models/NAME/load)"))
        }
        return served
    }

    /// Every model loaded or loadable: the repository's detector directories and the
    /// models given on the command line.
    func index() -> [RepositoryIndexEntry] {
        var names = Set(models.keys)
        if let repository {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: repository.path)) ?? []
            for entry in entries where Self.problem(with: entry) == nil {
                let json = repository.appendingPathComponent(entry)
                    .appendingPathComponent(AnomalyDetector.manifestFileName)
                if FileManager.default.fileExists(atPath: json.path) { names.insert(entry) }
            }
        }
        return names.sorted().map { name in
            models[name] == nil
                ? RepositoryIndexEntry(name: name, version: "1", state: "UNAVAILABLE", reason: "unloaded")
                : RepositoryIndexEntry(name: name, version: "1", state: "READY", reason: "")
        }
    }

    /// Loads (or reloads, replacing the served copy) the detector `DIR/name`.
    func load(_ name: String) async throws {
        let directory = try path(of: name)
        do {
            try await reload(name, from: directory, followSymlinks: limits.followSymlinks)
        } catch let error as DetectorSnapshot.LoadError {
            throw V2Error(error.missing ? .notFound : .badRequest, "cannot load \(error.description)")
        }
    }

    /// Stops serving `name` (requests in flight finish).
    func unload(_ name: String) throws {
        if let problem = Self.problem(with: name) { throw V2Error(.badRequest, problem) }
        guard models.removeValue(forKey: name) != nil else {
            throw V2Error(.notFound, "model '\(clip(name))' is not loaded")
        }
        sources[name] = nil
    }

    /// Reads `directory` outside the actor, then serves it as `name`; on failure the
    /// model served before (if any) stays.
    private func reload(_ name: String, from directory: URL, followSymlinks: Bool) async throws {
        let limits = self.limits
        let result = await Task.detached {
            Result { try DetectorSnapshot.load(directory, name: name, followSymlinks: followSymlinks) }
        }.value
        switch result {
        case .success(let (detector, fingerprint)):
            models[name] = ServedModel(name: name, detector: detector, limits: limits)
            sources[name] = Source(url: directory, fingerprint: fingerprint, followSymlinks: followSymlinks)
            metrics.loaded(true)
            logger.info("loaded", metadata: ["model": "\(name)", "threshold": "\(detector.threshold)"])
        case .failure(let error):
            metrics.loaded(false)
            logger.warning(
                "load failed; still serving the previous version if any",
                metadata: ["model": "\(name)", "error": "\(error)"])
            throw error
        }
    }

    /// Reloads every served model whose directory changed since it was loaded (a new
    /// fit renamed into place, `latent detector threshold`), or every one when `force`
    /// (SIGHUP). Returns the names reloaded.
    @discardableResult
    func reloadChanged(force: Bool = false) async -> [String] {
        var reloaded: [String] = []
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            guard let now = DetectorSnapshot.Fingerprint.current(of: source.url) else { continue }
            guard force || (now != source.fingerprint && now != source.failed) else { continue }
            if (try? await reload(name, from: source.url, followSymlinks: source.followSymlinks)) != nil {
                reloaded.append(name)
            } else {
                sources[name]?.failed = now
            }
        }
        return reloaded
    }

    /// `DIR/name`, for a name that cannot leave the repository.
    private func path(of name: String) throws -> URL {
        guard let repository else {
            throw V2Error(
                .badRequest, "this server has no model repository; start it with --model-repository DIR")
        }
        if let problem = Self.problem(with: name) { throw V2Error(.badRequest, problem) }
        return repository.appendingPathComponent(name, isDirectory: true)
    }

    /// Why `name` cannot be a model name in the repository, or nil: it must be one plain
    /// path component, so a load can never reach outside the repository directory.
    static func problem(with name: String) -> String? {
        if name.isEmpty { return "a model name cannot be empty" }
        if name.contains("/") || name.contains("\\") || name.contains("\0") {
            return "model name '\(clip(name))' has a path separator; give a directory name in the repository"
        }
        if name.contains("..") || name.hasPrefix(".") {
            return
                "model name '\(clip(name))' starts with '.' or contains '..'; give a directory name in the repository"
        }
        return nil
    }
}

/// One `POST /v2/repository/index` entry.
struct RepositoryIndexEntry: Codable, Equatable {
    var name: String
    var version: String
    var state: String
    var reason: String
}
