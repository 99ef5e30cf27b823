import CZlib

/// gzip (RFC 1952) detection, decompression with a size cap, and compression, through
/// the system zlib.
///
/// ```swift
/// let csv = try Gzip.decompress(bytes, maximumSize: 1 << 30, file: "ecg.csv.gz")
/// ```
public enum Gzip {
    /// The two bytes every gzip member starts with.
    public static let magic: [UInt8] = [0x1F, 0x8B]

    /// Whether `bytes` start with the gzip magic bytes `1f 8b`.
    public static func isCompressed<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == magic[0] && iterator.next() == magic[1]
    }

    /// Decompresses a whole gzip file (all of its members, in order).
    ///
    /// Memory is bounded by `maximumSize`, never by what the file claims, so a small
    /// "gzip bomb" that inflates to terabytes fails fast instead of exhausting memory.
    ///
    /// - Parameters:
    ///   - bytes: the compressed file, starting with `1f 8b`.
    ///   - maximumSize: the largest decompressed size accepted, in bytes.
    ///   - file: the name used in error messages.
    /// - Returns: the decompressed bytes.
    /// - Throws: ``DataError`` `.badMagic`, `.truncated`, `.corrupt`, or `.tooLarge` when
    ///   the output would exceed `maximumSize`.
    public static func decompress(
        _ bytes: [UInt8], maximumSize: Int, file: String
    ) throws
        -> [UInt8]
    {
        guard isCompressed(bytes) else {
            throw DataError(
                .badMagic, file: file, location: .byte(0),
                message: "this is not gzip data (it does not start with the bytes 1f 8b)",
                remedy: "Give the uncompressed file, or a file made by gzip.")
        }
        let stream = try GzipStream(bytes, file: file)
        // Start from the size the last member's trailer records (mod 2^32), bounded by the
        // cap and by deflate's maximum ratio (about 1032:1) so a lying trailer costs nothing.
        let trailerSize =
            bytes.count >= 4
            ? Int(bytes[bytes.count - 4]) | Int(bytes[bytes.count - 3]) << 8
                | Int(bytes[bytes.count - 2]) << 16 | Int(bytes[bytes.count - 1]) << 24
            : 0
        let ratioBound = bytes.count.multipliedReportingOverflow(by: 1032)
        let bound = ratioBound.overflow ? Int.max : ratioBound.partialValue
        var capacity = max(1 << 16, min(trailerSize, maximumSize, bound))
        if capacity < Int.max { capacity += 1 }
        var output = [UInt8](repeating: 0, count: capacity)
        var count = 0
        while true {
            let written = try output.withUnsafeMutableBytes { buffer in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
            }
            count += written
            if count > maximumSize {
                throw DataError(
                    .tooLarge, file: file, location: .byte(stream.inputOffset),
                    message:
                        "the decompressed data is larger than the limit of \(maximumSize) bytes",
                    remedy:
                        "Raise the maximum size if the file is trusted; otherwise it may be a gzip bomb."
                )
            }
            if stream.finished { break }
            if count == output.count {
                let grown = min(
                    output.count * 2, maximumSize == Int.max ? Int.max : maximumSize + 1)
                output.append(contentsOf: repeatElement(0, count: max(grown - output.count, 1)))
            }
        }
        output.removeSubrange(count...)
        return output
    }

    /// Compresses `bytes` into one gzip member at the given zlib `level` (0–9).
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        deflate(bytes, level: level, windowBits: 16 + MAX_WBITS)
    }

    /// zlib's deflate over `bytes` in one call: `windowBits` 16 + MAX_WBITS writes a gzip
    /// member, −MAX_WBITS a raw stream (ZIP members, ``NPZFile``).
    static func deflate(_ bytes: [UInt8], level: Int, windowBits: Int32) -> [UInt8] {
        precondition(bytes.count < Int(UInt32.max), "Gzip.deflate handles inputs under 4 GiB.")
        var status: Int32 = Z_OK
        guard let zstream = ZStream(.deflate(level: Int32(level), windowBits: windowBits), status: &status) else {
            preconditionFailure("zlib could not start compressing (status \(status)).")
        }
        let stream = zstream.pointer
        // Swift may release an object after its last use: keep the stream until the end.
        defer { withExtendedLifetime(zstream) {} }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(bytes.count))) + 32)
        let written = bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.pointee.avail_in = UInt32(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                let result = CZlib.deflate(stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "zlib could not compress (status \(result)).")
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
