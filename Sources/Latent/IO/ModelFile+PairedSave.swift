import Foundation

/// Keeping a model file's two halves consistent across a crash.
///
/// `save` replaces the weights and then the JSON, each with one atomic rename. A process
/// killed between the two renames would leave the new weights beside the old JSON, whose
/// SHA-256 no longer matches: the old model would be lost and the new one incomplete. So
/// before replacing the weights, `save` hard-links the current weights file to
/// `.NAME.safetensors.prev-<first 16 hex digits of the SHA-256 the JSON records>`, and
/// `load`, finding the weights file's hash different from the JSON's, reads that link
/// instead (checking its hash too). The link is removed once the new JSON is in place.
/// A reader therefore sees the old model or the new one, whenever the writer stops.
extension ModelFile {
    /// Where the weights the JSON at `jsonURL` records are kept during a save, or `nil`
    /// when `sha256` is not a SHA-256 in hex (it is untrusted and goes into a file name).
    static func previousWeightsURL(_ weightsURL: URL, sha256: String) -> URL? {
        let hex = sha256.lowercased()
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        return weightsURL.deletingLastPathComponent()
            .appendingPathComponent(".\(weightsURL.lastPathComponent).prev-\(hex.prefix(16))")
    }

    /// Links the weights the current JSON describes to their kept name, when a different
    /// model is about to replace them. Best effort: without hard links a crash between the
    /// renames is still detected on load (hash mismatch), just not recovered.
    /// - Returns: the link to remove after the save.
    static func keepPreviousWeights(jsonURL: URL, weightsURL: URL, newSHA256: String) -> URL? {
        struct Recorded: Decodable { var weightsSHA256: String }
        guard let data = try? Data(contentsOf: jsonURL), data.count <= 64 << 20,
            let recorded = try? JSONDecoder().decode(Recorded.self, from: data),
            recorded.weightsSHA256.lowercased() != newSHA256,
            FileManager.default.fileExists(atPath: weightsURL.path),
            let kept = previousWeightsURL(weightsURL, sha256: recorded.weightsSHA256)
        else { return nil }
        // EEXIST: a link left by a save killed earlier, holding these same old weights.
        _ = link(weightsURL.path, kept.path)
        return kept
    }

    /// The weights the JSON records: `bytes` when their hash matches, otherwise the kept
    /// copy of an interrupted save when its hash does.
    static func recordedWeights(_ bytes: Data, weightsURL: URL, sha256: String) -> Data? {
        let recorded = sha256.lowercased()
        if SHA256.hexDigest(of: bytes) == recorded { return bytes }
        guard let kept = previousWeightsURL(weightsURL, sha256: recorded),
            let old = try? Data(contentsOf: kept, options: .mappedIfSafe),
            SHA256.hexDigest(of: old) == recorded
        else { return nil }
        return old
    }

    /// Removes every kept copy beside `weightsURL` once a save has completed.
    static func removeKeptWeights(beside weightsURL: URL) {
        let fm = FileManager.default
        let directory = weightsURL.deletingLastPathComponent()
        let prefix = ".\(weightsURL.lastPathComponent).prev-"
        for name in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(prefix) {
            try? fm.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
