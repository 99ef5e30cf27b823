import CLatentSupport
import Foundation

/// Crash-safe file writing: data goes to a temporary file beside the target, is flushed
/// to disk, and is renamed over the target in one step, so a reader (or a crash) sees
/// either the old complete file or the new complete file, never a torn one.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating parent directories as needed.
    /// - Throws: `CocoaError` / POSIX errors from the file system, naming the path.
    ///
    /// ### See Also
    /// - ``Writer`` to write a file in pieces (streaming) and publish it the same way.
    public static func write(_ data: Data, to url: URL) throws {
        let file = try Writer(url: url)
        try file.write(data)
        try file.commit()
    }

    /// Writes a UTF-8 string atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Builds a whole directory atomically: `body` fills a fresh temporary directory
    /// beside `url`, which then replaces `url`. An existing directory is swapped with the
    /// new one in a single `renameat2(RENAME_EXCHANGE)` (so a crash or a concurrent reader
    /// sees the old directory or the new one, never no directory) and removed afterwards.
    /// Where the file system cannot exchange, it falls back to moving the old directory
    /// aside first, which leaves a moment with nothing at `url`.
    public static func writeDirectory(at url: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let token = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(token)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            try body(staging)
            if fm.fileExists(atPath: url.path), latent_rename_exchange(staging.path, url.path) == 0 {
                // `staging` now holds the old directory; a kill before this removal leaves
                // it as a temporary that removeStaleTemporaries deletes later.
                try? fm.removeItem(at: staging)
            } else if fm.fileExists(atPath: url.path) {
                let old = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(token)")
                try fm.moveItem(at: url, to: old)
                do {
                    try fm.moveItem(at: staging, to: url)
                } catch {
                    try? fm.moveItem(at: old, to: url)
                    throw error
                }
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: url)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        removeStaleTemporaries(of: url)
    }

    /// Removes temporaries that killed writers left beside `url` (`.NAME.tmp-*`,
    /// `.NAME.old-*`) once they are older than `age` seconds; younger ones may belong to a
    /// writer that is still running. Loaders never read them either way.
    static func removeStaleTemporaries(of url: URL, olderThan age: TimeInterval = 600) {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        let prefixes = [".\(url.lastPathComponent).tmp-", ".\(url.lastPathComponent).old-"]
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        let cutoff = Date().addingTimeInterval(-age)
        for name in names where prefixes.contains(where: name.hasPrefix) {
            let path = parent.appendingPathComponent(name).path
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}
