import Foundation

/// Saving and loading whole models: weights as safetensors (readable by PyTorch and
/// Hugging Face tools) and the architecture plus metadata as JSON beside them.
///
/// `ModelFile.save(model, inputShape: [28, 28, 1], to: dir/"model")` writes
/// `model.safetensors` and `model.json`. Each file is written atomically, weights first,
/// and the JSON records the SHA-256 of the weights file, so a weights file from another
/// save (or a damaged one) is refused on load rather than silently combined. The same
/// model always gives the same bytes: identical training runs give identical files.
public enum ModelFile {
    /// The JSON format version this build writes and the newest it reads.
    public static let formatVersion = 1
    static let formatName = "latent-model"

    /// The JSON half of a model file.
    public struct Description: Codable, Equatable, Sendable {
        public var format: String
        public var formatVersion: Int
        public var architecture: ModelSpec
        /// Shape of one input example (without the batch axis).
        public var inputShape: [Int]
        public var parameters: [ParameterEntry]
        public var weightsFile: String
        /// SHA-256 of the weights file, hex.
        public var weightsSHA256: String
        /// Free-form training metadata (epochs, loss, seed, data set, …).
        public var metadata: [String: JSONValue]
    }

    public struct ParameterEntry: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
    }

    /// `base.json` and `base.safetensors` for a path given with either extension or none.
    static func paths(_ url: URL) -> (json: URL, weights: URL) {
        let base = ["json", "safetensors"].contains(url.pathExtension) ? url.deletingPathExtension() : url
        return (base.appendingPathExtension("json"), base.appendingPathExtension("safetensors"))
    }

    /// Saves `model` (weights and architecture) atomically.
    /// - Parameters:
    ///   - inputShape: the shape of one input example, recorded so loaders can validate data.
    ///   - url: the base path; `.json` and `.safetensors` are added.
    public static func save(
        _ model: any Model, inputShape: [Int], metadata: [String: JSONValue] = [:], to url: URL
    ) throws {
        try save(model, inputShape: inputShape, metadata: metadata, to: url, betweenRenames: {})
    }

    /// ``save(_:inputShape:metadata:to:)`` with a hook run after the weights are renamed
    /// into place and before the JSON is: tests throw from it to stand for a kill there.
    static func save(
        _ model: any Model, inputShape: [Int], metadata: [String: JSONValue], to url: URL,
        betweenRenames: () throws -> Void
    ) throws {
        let (jsonURL, weightsURL) = paths(url)
        let named = model.namedParameters()
        let weights = SafeTensors.encode(
            named.map { ($0.name, $0.parameter.wrappedValue) }, metadata: ["format": formatName])
        let sha256 = SHA256.hexDigest(of: weights)
        // The old weights stay readable until the new JSON is in place (ModelFile+PairedSave).
        let kept = keepPreviousWeights(jsonURL: jsonURL, weightsURL: weightsURL, newSHA256: sha256)
        try AtomicFile.write(weights, to: weightsURL)
        try betweenRenames()
        let description = Description(
            format: formatName, formatVersion: formatVersion, architecture: model.modelSpec, inputShape: inputShape,
            parameters: named.map { ParameterEntry(name: $0.name, shape: $0.parameter.wrappedValue.shape) },
            weightsFile: weightsURL.lastPathComponent, weightsSHA256: sha256, metadata: metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(description), to: jsonURL)
        if kept != nil { removeKeptWeights(beside: weightsURL) }
    }

    /// Loads a model saved by ``save(_:inputShape:metadata:to:)``.
    /// - Throws: ``ModelFileError`` naming the file and what does not match, or
    ///   ``SafeTensorsError`` for a malformed weights file.
    public static func load(from url: URL) throws -> (model: any Model, description: Description) {
        let (jsonURL, _) = paths(url)
        guard FileManager.default.fileExists(atPath: jsonURL.path) else {
            throw ModelFileError(file: jsonURL.path, problem: "the file does not exist")
        }
        let data = try Data(contentsOf: jsonURL)
        guard data.count <= 64 << 20 else {
            throw ModelFileError(file: jsonURL.path, problem: "the model description is larger than 64 MB")
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: data)
        } catch {
            throw ModelFileError(
                file: jsonURL.path, problem: "it is not a Latent model description (\(describeDecodingError(error)))")
        }
        guard description.format == formatName else {
            throw ModelFileError(
                file: jsonURL.path, problem: "its format is '\(description.format)', not '\(formatName)'")
        }
        guard description.formatVersion <= formatVersion, description.formatVersion >= 1 else {
            throw ModelFileError(
                file: jsonURL.path,
                problem:
                    "it has format version \(description.formatVersion); this build reads versions 1 to \(formatVersion). Upgrade Latent"
            )
        }
        let weightsName = description.weightsFile
        guard !weightsName.isEmpty, !weightsName.contains("/"), !weightsName.contains("\\"), weightsName != "..",
            weightsName != "."
        else {
            throw ModelFileError(
                file: jsonURL.path,
                problem: "its weights file '\(weightsName)' is not a plain file name in the same directory")
        }
        let weightsURL = jsonURL.deletingLastPathComponent().appendingPathComponent(weightsName)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw ModelFileError(
                file: weightsURL.path, problem: "the weights file named by \(jsonURL.lastPathComponent) does not exist")
        }
        let bytes = try Data(contentsOf: weightsURL, options: .mappedIfSafe)
        // Check the architecture before building it: the JSON is untrusted, and building
        // allocates every parameter. No dtype Latent reads takes under 2 bytes per value.
        let weightsSize = bytes.count
        let parameterCount: Int
        do {
            parameterCount = try description.architecture.checkedParameterCount()
        } catch {
            throw ModelFileError(file: jsonURL.path, problem: "\(error)")
        }
        guard parameterCount <= weightsSize / 2 else {
            throw ModelFileError(
                file: jsonURL.path,
                problem:
                    "its architecture has \(parameterCount) parameters, more than its \(weightsSize)-byte weights file \(weightsName) can hold"
            )
        }
        // Follow one example's shape through the layers: a model whose inputShape does not
        // fit its layers would otherwise load and then trap on the first batch.
        do {
            _ = try description.architecture.checkedOutputShape(inputShape: description.inputShape)
        } catch let error as ModelSpecError {
            throw ModelFileError(
                file: jsonURL.path,
                problem: "its inputShape \(description.inputShape) does not fit its architecture: \(error.reason)")
        }
        var generator = RandomGenerator(seed: 0)
        let model: any Model
        do {
            model = try description.architecture.build(generator: &generator)
        } catch {
            throw ModelFileError(file: jsonURL.path, problem: "\(error)")
        }
        let expected = model.namedParameters().map {
            ParameterEntry(name: $0.name, shape: $0.parameter.wrappedValue.shape)
        }
        guard expected == description.parameters else {
            throw ModelFileError(file: jsonURL.path, problem: "its parameter list does not match its architecture")
        }
        guard let recorded = recordedWeights(bytes, weightsURL: weightsURL, sha256: description.weightsSHA256) else {
            throw ModelFileError(
                file: weightsURL.path,
                problem:
                    "its SHA-256 differs from the one \(jsonURL.lastPathComponent) records: the weights come from a different save or are damaged; save the model again"
            )
        }
        let weights = try SafeTensors.decode(recorded, source: weightsURL.path)
        do {
            try model.load(parameters: weights.tensors)
        } catch {
            throw ModelFileError(file: weightsURL.path, problem: "\(error)")
        }
        return (model, description)
    }
}

/// A model file that cannot be used.
public struct ModelFileError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public let file: String
    public let problem: String
    public var description: String { "Cannot load the model \(file): \(problem)." }
    public var errorDescription: String? { description }
}

/// A short readable reason for a JSON decoding failure.
func describeDecodingError(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        return "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
    case DecodingError.dataCorrupted(let context):
        return context.debugDescription
    default:
        return "\(error)"
    }
}
