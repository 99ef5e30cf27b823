import Foundation

/// Reading a text table's bytes so that one overlong line costs at most the line limit.
///
/// Reading the whole file first and checking line lengths afterwards (as the parser does)
/// would hold a 300 MB line without a newline in memory before refusing it, and a gzip bomb
/// of one endless line would inflate to the 2 GiB cap. Here the file (or its decompressed
/// stream) arrives in 1 MiB pieces and every piece is checked as it comes: the read stops
/// with `.lineTooLong` as soon as the current line passes ``CSVOptions/maximumLineLength``,
/// so memory stays at the rows before it plus the limit.
extension CSVFile {
    static let readChunkSize = 1 << 20

    /// The bytes of the table at `url` (decompressed if gzip), refused at the first line
    /// longer than `options.maximumLineLength` and past `options.maximumDecompressedSize`.
    static func boundedBytes(of url: URL, options: CSVOptions) throws -> [UInt8] {
        let name = DataError.name(of: url)
        try FileBytes.checkReadable(url)
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw DataError(
                .unreadable, file: name, message: "the file could not be opened", remedy: "Check its permissions.")
        }
        defer { try? handle.close() }
        var lines = LineLengthGuard(limit: options.maximumLineLength, file: name)
        var bytes: [UInt8] = []
        func nextChunk() throws -> [UInt8] {
            do {
                return [UInt8](try handle.read(upToCount: readChunkSize) ?? Data())
            } catch {
                throw DataError(
                    .unreadable, file: name, message: "the file could not be read (\(error.localizedDescription))")
            }
        }
        var chunk = try nextChunk()
        if !Gzip.isCompressed(chunk) {
            while !chunk.isEmpty {
                try lines.check(chunk)
                bytes += chunk
                chunk = try nextChunk()
            }
            return bytes
        }
        // gzip: the compressed file is read whole (its size is what is on disk), then
        // inflated piece by piece under both limits.
        var compressed = chunk
        while !chunk.isEmpty {
            chunk = try nextChunk()
            compressed += chunk
        }
        let stream = try GzipStream(compressed, file: name)
        var piece = [UInt8](repeating: 0, count: readChunkSize)
        while !stream.finished {
            let count = try piece.withUnsafeMutableBytes { try stream.read(into: $0) }
            try lines.check(piece[..<count])
            bytes += piece[..<count]
            if bytes.count > options.maximumDecompressedSize {
                throw DataError(
                    .tooLarge, file: name, location: .byte(stream.inputOffset),
                    message:
                        "the decompressed data is larger than the limit of \(options.maximumDecompressedSize) bytes",
                    remedy: "Raise the maximum size if the file is trusted; otherwise it may be a gzip bomb.")
            }
            if count == 0 { break }
        }
        return bytes
    }
}

/// Follows line lengths across pieces of a file: the same rule as the parser (a line's
/// bytes before its `\n`, a `\r` included, may not exceed the limit), checked early.
struct LineLengthGuard {
    let limit: Int
    let file: String
    private(set) var lineNumber = 1
    private var length = 0

    init(limit: Int, file: String) {
        self.limit = limit
        self.file = file
    }

    mutating func check(_ piece: ArraySlice<UInt8>) throws {
        try piece.withUnsafeBufferPointer { try check($0) }
    }

    mutating func check(_ piece: [UInt8]) throws {
        try piece.withUnsafeBufferPointer { try check($0) }
    }

    /// memchr per line, not a loop per byte: the check must cost little beside the parse.
    mutating func check(_ piece: UnsafeBufferPointer<UInt8>) throws {
        guard var p = piece.baseAddress else { return }
        let end = p + piece.count
        while p < end {
            let newline = memchr(p, Int32(UInt8(ascii: "\n")), end - p)
                .map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
            length += (newline ?? end) - p
            if length > limit {
                throw DataError(
                    .lineTooLong, file: file, location: .line(lineNumber),
                    message: "the line is longer than the limit of \(limit) bytes",
                    remedy:
                        "Check that this is a text table with one row per line, or raise CSVOptions.maximumLineLength.")
            }
            guard let newline else { return }
            lineNumber += 1
            length = 0
            p = newline + 1
        }
    }
}
