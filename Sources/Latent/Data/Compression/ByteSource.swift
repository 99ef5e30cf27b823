/// Sequential reading of a file's contents, decompressed on the fly when the file is gzip.
///
/// Binary readers (IDX) read a header through this, work out the payload size, and read
/// the payload without ever allocating more than the data actually present allows.
final class ByteSource {
    /// The file's name for error messages.
    let file: String
    /// Whether the stored bytes are gzip (offsets then refer to the decompressed data).
    let isCompressed: Bool
    private let plain: [UInt8]
    private let gzip: GzipStream?
    /// Bytes read so far (of the decompressed data, for gzip).
    private(set) var offset = 0

    /// Reads `bytes`, decompressing when they start with the gzip magic bytes.
    init(_ bytes: [UInt8], file: String) throws {
        self.file = file
        isCompressed = Gzip.isCompressed(bytes)
        if isCompressed {
            gzip = try GzipStream(bytes, file: file)
            plain = []
        } else {
            gzip = nil
            plain = bytes
        }
        storedCount = bytes.count
    }

    /// The size of the file as stored.
    let storedCount: Int

    /// The most bytes that can still be read: exact for plain files; for gzip the deflate
    /// limit of about 1032 output bytes per input byte.
    var remainingUpperBound: Int {
        if !isCompressed { return plain.count - offset }
        let (bound, overflow) = storedCount.multipliedReportingOverflow(by: 1032)
        return overflow ? Int.max : bound
    }

    /// A location for an offset into the (decompressed) data.
    func location(_ offset: Int) -> DataError.Location {
        isCompressed ? .decompressedByte(offset) : .byte(offset)
    }

    /// Fills `buffer` as far as the data goes; returns the number of bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count: Int
        if let gzip {
            count = try gzip.read(into: buffer)
        } else {
            count = min(buffer.count, plain.count - offset)
            if count > 0 {
                plain.withUnsafeBytes { source in
                    buffer.baseAddress!.copyMemory(
                        from: source.baseAddress! + offset, byteCount: count)
                }
            }
        }
        offset += count
        return count
    }

    /// Reads up to `count` bytes; fewer only when the data ends first.
    func read(upTo count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        bytes.removeSubrange(n...)
        return bytes
    }

    /// Whether the data has ended (reads ahead one byte, which counts as read).
    func isAtEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { try read(into: $0) } == 0
    }
}
