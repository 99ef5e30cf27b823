import Foundation

extension AtomicFile {
    /// A file written in pieces and published whole: the bytes go to a temporary file
    /// beside `url` (`.NAME.tmp-XXXXXXXX`), and ``commit()`` flushes it to disk and renames
    /// it over `url` in one step. Until then `url` keeps its old content (or stays absent);
    /// a writer dropped without a commit, or a failed write, removes its temporary, and a
    /// killed process leaves only the hidden temporary, which later writers clean up.
    ///
    /// ```swift
    /// let file = try AtomicFile.Writer(url: output)
    /// for chunk in chunks { try file.write(chunk) }
    /// try file.commit()
    /// ```
    ///
    /// ``fileDescriptor`` is open for writing until the commit, for code that writes to a
    /// descriptor itself (``ScoreStream``).
    public final class Writer {
        /// Where the file is published.
        public let url: URL
        /// The temporary file's descriptor, for writing.
        public let fileDescriptor: Int32
        private let temporary: URL
        private var isOpen = true

        /// Opens a fresh temporary file beside `url`.
        /// - Parameter creatingDirectories: create `url`'s missing parent directories
        ///   first (`false`: a missing parent is an error).
        /// - Throws: `POSIXError` (the temporary's path in `NSFilePathErrorKey`), or the
        ///   file system's error when a directory cannot be created.
        public init(url: URL, creatingDirectories: Bool = true) throws {
            let directory = url.deletingLastPathComponent()
            if creatingDirectories {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            temporary = directory.appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
            // open(2), not FileManager.createFile: on Linux that writes through a temporary
            // of its own (`.dat.nosync…`), which a kill at the wrong moment leaves behind.
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw AtomicFile.error(path: temporary.path) }
            self.url = url
            fileDescriptor = fd
        }

        deinit { discard() }

        /// Appends `bytes`; on failure the temporary is removed and the writer is finished.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            precondition(isOpen, "AtomicFile.Writer: write after commit or discard.")
            do { try AtomicFile.writeAll(bytes, to: fileDescriptor, path: temporary.path) } catch {
                discard()
                throw error
            }
        }

        /// Appends `data`.
        public func write(_ data: Data) throws {
            try data.withUnsafeBytes { try write($0) }
        }

        /// Appends `text` as UTF-8.
        public func write(_ text: String) throws {
            var text = text
            try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
        }

        /// Flushes the file to disk, closes it and renames it over ``url``.
        /// - Throws: `POSIXError` naming the path; the temporary is then removed and `url`
        ///   is as it was.
        public func commit() throws {
            precondition(isOpen, "AtomicFile.Writer: commit after commit or discard.")
            isOpen = false
            var failure = fsync(fileDescriptor) == 0 ? nil : AtomicFile.error(path: temporary.path)
            if close(fileDescriptor) != 0, failure == nil { failure = AtomicFile.error(path: temporary.path) }
            if failure == nil, rename(temporary.path, url.path) != 0 { failure = AtomicFile.error(path: url.path) }
            if let failure {
                unlink(temporary.path)
                throw failure
            }
            AtomicFile.removeStaleTemporaries(of: url)
        }

        /// Closes and removes the temporary, leaving ``url`` as it was (nothing once
        /// committed).
        public func discard() {
            guard isOpen else { return }
            isOpen = false
            close(fileDescriptor)
            unlink(temporary.path)
        }
    }

    /// Writes all of `bytes` to `fd`, going on after short writes and interruptions.
    /// - Throws: `POSIXError` with `path` (the file behind `fd`) in `NSFilePathErrorKey`.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String? = nil) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path: path)
            }
            offset += n
        }
    }

    /// Writes all of `text`, as UTF-8, to `fd`.
    public static func writeAll(_ text: String, to fd: Int32, path: String? = nil) throws {
        var text = text
        try text.withUTF8 { try writeAll(UnsafeRawBufferPointer($0), to: fd, path: path) }
    }

    /// The current `errno` as a `POSIXError` naming `path`.
    static func error(path: String?) -> POSIXError {
        POSIXError(
            POSIXErrorCode(rawValue: errno) ?? .EIO,
            userInfo: path.map { [NSFilePathErrorKey: $0] } ?? [:])
    }
}
