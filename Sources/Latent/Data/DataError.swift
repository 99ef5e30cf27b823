import Foundation

/// An error from reading, checking or fetching data: which file, where in it, what is
/// wrong, and what to do about it.
///
/// Every reader in `Data/` throws this one type. Its ``description`` is a complete
/// sentence pair meant for a person:
///
/// ```text
/// /data/ecg.csv, line 12, column 5 ("t4"): cell "abc" is not a number. Fix the cell, or
/// choose this column as the label column.
/// /data/train-images-idx3-ubyte.gz, byte 16 of the decompressed data: the IDX data is
/// truncated: the header implies 47040000 bytes of uint8 data but only 1000 follow.
/// Download the file again; it is incomplete.
/// ```
///
/// Match on ``kind`` in code; show ``description`` to people.
public struct DataError: Error, Equatable, Sendable {
    /// The rule that was broken.
    public enum Kind: String, Equatable, Sendable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but could not be read.
        case unreadable
        /// The file (or the part that should hold data) is empty.
        case empty
        /// The file ends before the data its header promises.
        case truncated
        /// The bytes are damaged or do not follow the format.
        case corrupt
        /// The data would be larger than the allowed maximum.
        case tooLarge
        /// The file does not start with the format's magic bytes.
        case badMagic
        /// The format is valid but uses a feature this reader does not support.
        case unsupported
        /// A table row has a different number of fields from the first row.
        case wrongFieldCount
        /// A table cell that must be a number is not one.
        case nonNumeric
        /// A cell or value is NaN or infinite.
        case nonFinite
        /// A text line is longer than the reader's limit.
        case lineTooLong
        /// A named or numbered column does not exist.
        case missingColumn
        /// Arrays that belong together disagree (for example image and label counts).
        case mismatch
        /// A downloaded or cached file does not have the pinned SHA-256 checksum.
        case checksumMismatch
        /// A download failed.
        case downloadFailed
    }

    /// Where in the file the problem is.
    public enum Location: Equatable, Sendable {
        /// The whole file.
        case file
        /// A zero-based byte offset into the file as stored.
        case byte(Int)
        /// A zero-based byte offset into the decompressed contents of a gzip file.
        case decompressedByte(Int)
        /// A one-based line number of a text file.
        case line(Int)
        /// A one-based line and column of a table, with the column's header name if any.
        case cell(line: Int, column: Int, name: String?)
    }

    /// The rule that was broken.
    public var kind: Kind
    /// The file's path (or URL, for downloads).
    public var file: String
    /// Where in the file the problem is.
    public var location: Location
    /// What is wrong, as a sentence fragment without a final period.
    public var message: String
    /// What to do about it, as a sentence, or `nil` when there is nothing useful to say.
    public var remedy: String?

    /// Creates an error; `message` says what is wrong and `remedy` what to do.
    public init(
        _ kind: Kind, file: String, location: Location = .file, message: String,
        remedy: String? = nil
    ) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
        self.remedy = remedy
    }
}

extension DataError: CustomStringConvertible, LocalizedError {
    /// `file, location: message. Remedy`
    public var description: String {
        var text = file
        switch location {
        case .file: break
        case .byte(let offset): text += ", byte \(offset)"
        case .decompressedByte(let offset): text += ", byte \(offset) of the decompressed data"
        case .line(let line): text += ", line \(line)"
        case .cell(let line, let column, let name):
            text += ", line \(line), column \(column)"
            if let name { text += " (\"\(name)\")" }
        }
        text += ": \(message)."
        if let remedy { text += " \(remedy)" }
        return text
    }

    /// The full ``description``.
    public var errorDescription: String? { description }
    /// What is wrong (``message``).
    public var failureReason: String? { message }
    /// What to do (``remedy``).
    public var recoverySuggestion: String? { remedy }
}

extension DataError {
    /// The display name used for a file URL in messages: its path, or the URL for remote
    /// resources.
    static func name(of url: URL) -> String { url.isFileURL ? url.path : url.absoluteString }
}
