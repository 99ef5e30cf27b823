import Foundation

/// Downloads known datasets into the data directory, checking every file against its
/// pinned SHA-256 before it is saved.
///
/// Files already present with the right checksum are kept. Each missing file is fetched
/// from the dataset's mirrors in order; a download whose checksum differs is discarded
/// (nothing is written) and the next mirror is tried. Files are written atomically, so an
/// interrupted fetch never leaves a partial file under the final name.
///
/// ```swift
/// let directory = try DatasetFetcher().fetch(.mnist)     // ~/.cache/latent/mnist
/// let train = try MNIST.load(.train, from: directory)
/// ```
///
/// Tests and offline machines point ``baseURL`` at a local copy:
/// `DatasetFetcher(baseURL: URL(fileURLWithPath: "/mirror/mnist/"))`.
public struct DatasetFetcher {
    /// The data root that datasets are fetched into (`<root>/<dataset name>`); `nil`
    /// resolves it with ``DataDirectory/root(environment:)``.
    public var root: URL?
    /// When set, replaces every dataset's mirror list: files come from
    /// `baseURL/<file name>` (`file://` URLs work).
    public var baseURL: URL?
    /// Receives one line per step ("downloading …", "verified …"), for progress output.
    public var log: ((String) -> Void)?

    /// A fetcher writing under `root` (default: the resolved data root).
    public init(root: URL? = nil, baseURL: URL? = nil, log: ((String) -> Void)? = nil) {
        self.root = root
        self.baseURL = baseURL
        self.log = log
    }

    /// The directory `dataset` is (or will be) stored in.
    public func directory(for dataset: RemoteDataset) -> URL {
        (root ?? DataDirectory.root()).appendingPathComponent(dataset.name, isDirectory: true)
    }

    /// Makes sure every file of `dataset` is present and verified, downloading as needed.
    ///
    /// - Parameter dataset: the dataset, such as ``RemoteDataset/mnist``.
    /// - Returns: the dataset's directory.
    /// - Throws: ``DataError`` `.checksumMismatch` when a mirror served different bytes,
    ///   or `.downloadFailed` when no mirror could be reached; the message lists every
    ///   mirror tried and no file is left behind.
    @discardableResult
    public func fetch(_ dataset: RemoteDataset) throws -> URL {
        let directory = directory(for: dataset)
        for file in dataset.files { try fetch(file, of: dataset, into: directory) }
        return directory
    }

    /// Makes sure one file of `dataset` is present and verified in `directory`.
    public func fetch(
        _ file: RemoteDataset.File, of dataset: RemoteDataset, into directory: URL
    )
        throws
    {
        let target = directory.appendingPathComponent(file.name)
        if FileManager.default.fileExists(atPath: target.path) {
            if (try? SHA256.hexDigest(ofFile: target)) == file.sha256 {
                log?("verified \(dataset.name)/\(file.name)")
                return
            }
            log?("\(target.path) has the wrong checksum; downloading it again")
        }
        var problems: [DataError] = []
        for mirror in baseURL.map({ [$0] }) ?? dataset.mirrors {
            let url = mirror.appendingPathComponent(file.name)
            log?("downloading \(url.absoluteString)")
            do {
                // Twice the pinned size is plenty; a mirror sending more is not sending this file.
                let data = try Download.data(from: url, maximumSize: 2 * file.size + (1 << 20))
                let digest = SHA256.hexDigest(of: data)
                guard digest == file.sha256 else {
                    throw DataError(
                        .checksumMismatch, file: url.absoluteString,
                        message:
                            "the download (\(data.count) bytes) has SHA-256 \(digest), not the pinned \(file.sha256)",
                        remedy:
                            "Nothing was saved. The mirror serves a different or damaged file; try another mirror."
                    )
                }
                try AtomicFile.write(data, to: target)
                log?("saved \(target.path)")
                return
            } catch let error as DataError {
                log?(error.description)
                problems.append(error)
            }
        }
        if problems.count == 1 { throw problems[0] }
        let mismatch = problems.contains { $0.kind == .checksumMismatch }
        throw DataError(
            mismatch ? .checksumMismatch : .downloadFailed, file: target.path,
            message: "no mirror provided a verified copy: "
                + problems.map(\.description).joined(separator: " | "),
            remedy:
                "Nothing was saved. Check the network, or copy the file in by hand and fetch again to verify it."
        )
    }

    /// The files of `dataset` that are missing from its directory or fail their checksum.
    public func unverifiedFiles(of dataset: RemoteDataset) -> [RemoteDataset.File] {
        let directory = directory(for: dataset)
        return dataset.files.filter { file in
            (try? SHA256.hexDigest(ofFile: directory.appendingPathComponent(file.name)))
                != file.sha256
        }
    }
}
