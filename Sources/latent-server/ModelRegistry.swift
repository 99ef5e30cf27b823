import Foundation
import Latent

/// The models being served, and the directory more can be loaded from by name: the V2
/// model repository extension (`POST /v2/repository/index`, `…/models/NAME/load`,
/// `…/models/NAME/unload`), as Triton and MLServer implement it over REST.
///
/// A request holds the ``ServedModel`` it looked up, so unloading or reloading a model
/// never cuts off requests already in flight: they finish on the detector they started
/// with, and the next request sees the new state.
actor ModelRegistry {
    private var models: [String: ServedModel]
    /// `--model-repository DIR`: each subdirectory is a detector directory named by it.
    let repository: URL?
    let limits: ServerLimits

    init(models: [String: ServedModel], repository: URL?, limits: ServerLimits) {
        self.models = models
        self.repository = repository?.standardizedFileURL
        self.limits = limits
    }

    /// The model called `name`, or a 404 naming the ones there are.
    func model(named name: String) throws -> ServedModel {
        guard let served = models[name] else {
            let names = models.keys.sorted().joined(separator: ", ")
            throw V2Error(
                .notFound,
                "no model named '\(name)'; this server serves "
                    + (names.isEmpty ? "none yet" : names)
                    + (repository == nil ? "" : " (load one with POST /v2/repository/models/NAME/load)"))
        }
        return served
    }

    /// Every model loaded or loadable: the repository's detector directories and the
    /// models given on the command line.
    func index() throws -> [RepositoryIndexEntry] {
        var names = Set(models.keys)
        if let repository {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: repository.path)) ?? []
            for entry in entries where Self.problem(with: entry) == nil {
                let json = repository.appendingPathComponent(entry).appendingPathComponent("detector.json")
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
    func load(_ name: String) throws {
        let directory = try path(of: name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw V2Error(.notFound, "no detector directory '\(name)' in the model repository \(repository!.path)")
        }
        let detector: AnomalyDetector
        do {
            detector = try AnomalyDetector.load(from: directory)
        } catch {
            throw V2Error(.badRequest, "cannot load model '\(name)' from \(directory.path): \(error)")
        }
        models[name] = ServedModel(name: name, detector: detector, limits: limits)
    }

    /// Stops serving `name` (requests in flight finish).
    func unload(_ name: String) throws {
        if let problem = Self.problem(with: name) { throw V2Error(.badRequest, problem) }
        guard models.removeValue(forKey: name) != nil else {
            throw V2Error(.notFound, "model '\(name)' is not loaded")
        }
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
            return "model name '\(name)' has a path separator; give a directory name in the repository"
        }
        if name.contains("..") || name.hasPrefix(".") {
            return "model name '\(name)' starts with '.' or contains '..'; give a directory name in the repository"
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
