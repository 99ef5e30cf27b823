import Foundation
import Latent

/// Where a command writes its records: standard output, or a file published whole
/// (``AtomicFile/Writer``: written beside its final name and renamed into place by
/// ``commit()``; a failed or killed run leaves the old file, or none).
final class Destination {
    /// The descriptor to write to.
    let fd: Int32
    private let file: AtomicFile.Writer?
    private let name: String

    /// `-` for standard output, otherwise a path whose folder must exist.
    init(_ path: String) throws {
        name = path == "-" ? "standard output" : path
        if path == "-" {
            file = nil
        } else {
            do {
                file = try AtomicFile.Writer(url: URL(fileURLWithPath: path), creatingDirectories: false)
            } catch {
                throw Destination.error(error, path: path)
            }
        }
        fd = file?.fileDescriptor ?? STDOUT_FILENO
    }

    func write(_ text: String) throws {
        do { try AtomicFile.writeAll(text, to: fd) } catch {
            throw Destination.error(error, path: name)
        }
    }

    /// Renames the finished file into place (nothing for standard output).
    func commit() throws {
        do { try file?.commit() } catch { throw Destination.error(error, path: name) }
    }

    /// Removes the unfinished file unless it was committed.
    func close() { file?.discard() }

    /// `Cannot write PATH: REASON.`
    private static func error(_ error: Error, path: String) -> CommandLineError {
        let reason = (error as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? "\(error)"
        return CommandLineError("Cannot write \(path): \(reason).")
    }
}
