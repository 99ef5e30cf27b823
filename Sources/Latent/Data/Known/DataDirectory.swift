import Foundation

/// Where datasets live on disk.
///
/// A dataset named `mnist` is looked for in, first match wins:
///
/// 1. a directory the caller gives explicitly (used as is: it holds the files);
/// 2. `$LATENT_DATA/mnist`, when the environment variable `LATENT_DATA` is set;
/// 3. `$XDG_CACHE_HOME/latent/mnist`, or `~/.cache/latent/mnist`.
///
/// ```swift
/// let dir = DataDirectory.url(for: "mnist")      // e.g. /home/me/.cache/latent/mnist
/// ```
public enum DataDirectory {
    /// The environment variable naming the data root.
    public static let environmentVariable = "LATENT_DATA"

    /// The root that holds one subdirectory per dataset: `$LATENT_DATA`, else
    /// `$XDG_CACHE_HOME/latent`, else `~/.cache/latent`.
    public static func root(
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> URL
    {
        if let path = environment[environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
        }
        let cache: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cache = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home =
                environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            cache = home.appendingPathComponent(".cache", isDirectory: true)
        }
        return cache.appendingPathComponent("latent", isDirectory: true)
    }

    /// The directory of dataset `name`: `explicit` when given, else `root()/name`.
    public static func url(
        for name: String, explicit: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        explicit ?? root(environment: environment).appendingPathComponent(name, isDirectory: true)
    }

    /// The URL of `file` in dataset `name`'s directory, or an error saying how to get it.
    static func existingFile(_ file: String, dataset name: String, in directory: URL?) throws -> URL {
        let dir = url(for: name, explicit: directory)
        let url = dir.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError(
                .fileNotFound, file: url.path, message: "the \(name) file \(file) is not there",
                remedy:
                    "Download it with DatasetFetcher().fetch(.\(name == "fashion-mnist" ? "fashionMNIST" : name)), "
                    + "point \(environmentVariable) at a directory holding \(name)/, or pass the directory explicitly."
            )
        }
        return url
    }
}
