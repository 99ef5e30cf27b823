import Foundation

extension Signal {
    /// A signal read from a text file, with its per-row labels when a label column was named.
    public struct File: Sendable {
        /// The channels.
        public var signal: Signal
        /// Per-row labels (`true` = anomalous), when `labelColumn` was given.
        public var labels: [Bool]?
        /// How the lines were read.
        public var format: SignalTextFormat
    }

    /// The largest decompressed file accepted: 2 GiB of text.
    static let maximumTextSize = 1 << 31

    /// Reads a signal from a text file: one time step per line, `.gz` decompressed
    /// transparently (recognised by its magic bytes, not its name). See
    /// ``SignalTextFormat`` for how the header, delimiter and channels are detected.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - labelColumn: a field name or index with 0/1 labels, read into ``File/labels``.
    ///   - ignoredColumns: fields that are neither channels nor labels.
    /// - Throws: ``DataError`` naming the file and line of the first bad value.
    public static func read(
        _ url: URL, labelColumn: String? = nil, ignoredColumns: [String] = []
    ) throws -> File {
        let name = url.path
        guard FileManager.default.fileExists(atPath: name) else {
            throw DataError(
                .fileNotFound, file: name, message: "the file does not exist",
                remedy: "Check the path.")
        }
        var bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw DataError(
                .unreadable, file: name, message: "\(error.localizedDescription)",
                remedy: "Check the file's permissions.")
        }
        if Gzip.isCompressed(bytes) {
            bytes = try Gzip.decompress(bytes, maximumSize: maximumTextSize, file: name)
        }
        try refuseBinary(bytes, file: name)
        return try parse(
            bytes, file: name, labelColumn: labelColumn,
            ignoredColumns: ignoredColumns)
    }

    /// A binary file read as text failed on its second "line" with a count of fields; say
    /// what it is instead.
    static func refuseBinary(_ bytes: [UInt8], file: String) throws {
        let what: String
        if bytes.starts(with: NPYFile.magic) {
            what = "a NumPy array (.npy)"
        } else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            what = "a zip archive (an .npz?)"
        } else if bytes.prefix(4096).contains(0) {
            what = "binary data"
        } else {
            return
        }
        throw DataError(
            .unsupported, file: file, message: "it holds \(what), but a signal is read from text",
            remedy:
                "Write one time step per line, channels separated by commas (numpy.savetxt(path, x, delimiter=\",\")).")
    }

    /// Parses the text of a signal file (see ``read(_:labelColumn:ignoredColumns:)``).
    public static func parse(
        _ bytes: [UInt8], file: String, labelColumn: String? = nil, ignoredColumns: [String] = []
    ) throws -> File {
        let text = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift, so split on every line-ending form.
        var lines = text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })[...]
        while let last = lines.last, SignalTextFormat.trim(last).isEmpty { lines = lines.dropLast() }
        let format = try SignalTextFormat.detect(
            firstLines: Array(lines.prefix(2)), labelColumn: labelColumn,
            ignoredColumns: ignoredColumns, file: file)
        var values: [Float] = []
        values.reserveCapacity(lines.count * format.channelFields.count)
        var labels: [Bool]? = labelColumn == nil ? nil : []
        var row: [Float] = []
        for (i, line) in lines.enumerated()
        where !(i == 0 && format.hasHeader) && !SignalTextFormat.trim(line).isEmpty {
            let label = try format.parse(line, lineNumber: i + 1, file: file, into: &row)
            values += row
            if let label { labels!.append(label) }
        }
        guard !values.isEmpty else {
            throw DataError(
                .empty, file: file, message: "the file holds a header but no rows",
                remedy: "Give a file with one time step per line.")
        }
        return File(
            signal: Signal(names: format.channelNames, values: values), labels: labels,
            format: format)
    }
}
