import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads a detector directory from one consistent snapshot.
///
/// The library's loader reads `detector.json`, the model and the calibration by path, one
/// after another; a directory replaced in between (a new fit renamed into place, or a
/// rename-exchange) would mix two fits. Here the directory is opened once and every file
/// is read through that descriptor (`/proc/self/fd/N/…` on Linux), so all reads see the
/// directory that was opened, even if another takes its name meanwhile: the load serves
/// one whole fit, or fails (a file of the old one already deleted) and the caller keeps
/// the model it had.
enum DetectorSnapshot {
    /// What a served directory looked like when it was loaded: when it differs from
    /// ``Fingerprint/current(of:)`` the directory (or its manifest) was replaced.
    struct Fingerprint: Equatable, Sendable {
        var directory: FileIdentity
        var manifest: FileIdentity

        /// The directory at `url` now, or nil if it (or its manifest) is missing.
        static func current(of url: URL) -> Fingerprint? {
            guard let directory = FileIdentity(path: url.path),
                let manifest = FileIdentity(
                    path: url.appendingPathComponent(AnomalyDetector.manifestFileName).path)
            else { return nil }
            return Fingerprint(directory: directory, manifest: manifest)
        }
    }

    /// A file's identity and last change: inode, size, modification and change times.
    struct FileIdentity: Equatable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: Int64, changed: Int64

        init?(path: String) {
            var s = stat()
            guard stat(path, &s) == 0 else { return nil }
            self.init(s)
        }

        init?(directory fd: Int32, name: String) {
            var s = stat()
            guard fstatat(fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
            self.init(s)
        }

        init?(fd: Int32) {
            var s = stat()
            guard fstat(fd, &s) == 0 else { return nil }
            self.init(s)
        }

        private init(_ s: stat) {
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
            size = Int64(s.st_size)
            #if canImport(Darwin)
            modified = Int64(s.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(s.st_mtimespec.tv_nsec)
            changed = Int64(s.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(s.st_ctimespec.tv_nsec)
            #else
            modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
            changed = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
            #endif
        }
    }

    /// Why a load failed, in words that name the model and never a path on the server.
    struct LoadError: Error, CustomStringConvertible {
        var missing: Bool
        var description: String
    }

    /// Loads the detector directory `url` as model `name`.
    ///
    /// - Parameter followSymlinks: without it, a directory that is a symbolic link, or
    ///   that holds one, is refused: a link could lead the server outside the directory
    ///   it was given.
    /// - Returns: the detector and the fingerprint of the directory it was read from.
    static func load(
        _ url: URL, name: String, followSymlinks: Bool
    ) throws -> (
        AnomalyDetector, Fingerprint
    ) {
        var flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        if !followSymlinks { flags |= O_NOFOLLOW }
        let fd = open(url.path, flags)
        guard fd >= 0 else {
            var code = errno
            var link = stat()
            // Linux answers ENOTDIR, not ELOOP, for a link opened with O_NOFOLLOW | O_DIRECTORY.
            if !followSymlinks, lstat(url.path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK { code = ELOOP }
            switch code {
            case ENOENT:
                throw LoadError(missing: true, description: "model '\(name)': no such directory")
            case ELOOP:
                throw LoadError(
                    missing: false,
                    description: "model '\(name)': the directory is a symbolic link; "
                        + "start the server with --follow-symlinks to serve it")
            case ENOTDIR:
                throw LoadError(missing: true, description: "model '\(name)': not a directory")
            default:
                throw LoadError(
                    missing: false,
                    description: "model '\(name)': cannot open its directory (\(String(cString: strerror(code))))")
            }
        }
        defer { close(fd) }
        if !followSymlinks, let link = try firstSymlink(in: fd) {
            throw LoadError(
                missing: false,
                description: "model '\(name)': its file '\(clip(link))' is a symbolic link; "
                    + "start the server with --follow-symlinks to serve it")
        }
        guard let directory = FileIdentity(fd: fd),
            let manifest = FileIdentity(directory: fd, name: AnomalyDetector.manifestFileName)
        else {
            throw LoadError(
                missing: false,
                description: "model '\(name)': \(AnomalyDetector.manifestFileName) is missing; "
                    + "is it a directory written by `latent detector fit`?")
        }
        #if os(Linux)
        let root = URL(fileURLWithPath: "/proc/self/fd/\(fd)", isDirectory: true)
        #else
        let root = url  // no descriptor paths: the manifest fingerprint still catches a swap
        #endif
        do {
            let detector = try AnomalyDetector.load(from: root)
            return (detector, Fingerprint(directory: directory, manifest: manifest))
        } catch let DetectorError.unusableDirectory(file, problem) {
            let prefixes = [root.path, url.path, url.standardizedFileURL.path]
            var text = problem
            for prefix in prefixes { text = text.replacingOccurrences(of: prefix, with: name) }
            let where_ =
                file.hasPrefix(root.path) || file.hasPrefix(url.path)
                ? URL(fileURLWithPath: file).lastPathComponent : "a file it names"
            throw LoadError(missing: false, description: "model '\(name)': \(where_): \(text)")
        } catch {
            var text = "\(error)"
            text = text.replacingOccurrences(of: root.path, with: name)
                .replacingOccurrences(of: url.path, with: name)
            throw LoadError(missing: false, description: "model '\(name)': \(text)")
        }
    }

    /// The name of the first symbolic link directly inside the directory `fd`, if any.
    private static func firstSymlink(in fd: Int32) throws -> String? {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return nil
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            var s = stat()
            if fstatat(fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0, (s.st_mode & S_IFMT) == S_IFLNK {
                return name
            }
        }
        return nil
    }
}

/// `text`, cut to 200 characters: names and paths echoed into answers and logs.
func clip(_ text: String, _ limit: Int = 200) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "…"
}
