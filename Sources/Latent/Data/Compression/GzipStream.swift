import CZlib

/// Incremental gzip decompression of an in-memory file through zlib's `inflate`.
///
/// Reads the decompressed bytes in caller-sized pieces, so a reader can look at a header
/// before deciding how much to allocate. Multi-member files (several gzip streams one
/// after another, as `cat a.gz b.gz` makes) decompress to the concatenation of the
/// members. Zero padding after the last member is ignored; any other trailing byte is an
/// error, as is a stream that stops early or fails its CRC-32 check.
final class GzipStream {
    private let input: [UInt8]
    private let file: String
    private let zstream: ZStream
    private var stream: UnsafeMutablePointer<z_stream> { zstream.pointer }
    /// Bytes of `input` consumed so far.
    private(set) var inputOffset = 0
    /// Decompressed bytes produced so far.
    private(set) var outputOffset = 0
    private var memberEnded = false
    private(set) var finished = false

    /// Starts decompressing `input`, which must begin with the gzip magic bytes.
    init(_ input: [UInt8], file: String) throws {
        self.input = input
        self.file = file
        // 16 + MAX_WBITS: expect a gzip wrapper (header and CRC-32 trailer), not zlib's.
        var status: Int32 = Z_OK
        guard let zstream = ZStream(.inflate(windowBits: 16 + MAX_WBITS), status: &status) else {
            throw DataError(
                .unreadable, file: file,
                message: "zlib could not start decompressing (status \(status))")
        }
        self.zstream = zstream
    }

    /// Fills `buffer` with the next decompressed bytes and returns how many were written;
    /// fewer than `buffer.count` only at the end of the data, and 0 after it.
    /// - Throws: ``DataError`` `.truncated` or `.corrupt`, located at a compressed byte offset.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        while produced < buffer.count && !finished {
            if memberEnded {
                try startNextMember()
                continue
            }
            let (status, consumed, written) = input.withUnsafeBufferPointer {
                source -> (Int32, Int, Int) in
                let availableIn = min(source.count - inputOffset, Int(UInt32.max))
                let availableOut = min(buffer.count - produced, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: source.baseAddress.map { $0 + inputOffset })
                stream.pointee.avail_in = UInt32(availableIn)
                stream.pointee.next_out =
                    buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                stream.pointee.avail_out = UInt32(availableOut)
                let status = inflate(stream, Z_NO_FLUSH)
                let consumed = availableIn - Int(stream.pointee.avail_in)
                let written = availableOut - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                return (status, consumed, written)
            }
            inputOffset += consumed
            produced += written
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                memberEnded = true
            case Z_BUF_ERROR where inputOffset == input.count:
                throw DataError(
                    .truncated, file: file, location: .byte(input.count),
                    message:
                        "the gzip data is truncated: the file ends before the compressed stream does",
                    remedy: "Download or copy the file again; it is incomplete.")
            default:
                let reason =
                    stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw DataError(
                    .corrupt, file: file, location: .byte(inputOffset),
                    message: "the gzip data is corrupt (\(reason))",
                    remedy: "Download or copy the file again; it is damaged.")
            }
        }
        outputOffset += produced
        return produced
    }

    /// After one member ends: finish if only zero padding is left, restart on the next
    /// member's magic bytes, and reject anything else.
    private func startNextMember() throws {
        let rest = input[inputOffset...]
        if rest.allSatisfy({ $0 == 0 }) {
            finished = true
            return
        }
        guard Gzip.isCompressed(rest) else {
            throw DataError(
                .corrupt, file: file, location: .byte(inputOffset),
                message: "\(rest.count) unexpected bytes follow the end of the gzip stream",
                remedy: "The file is damaged or was appended to; download or copy it again.")
        }
        inflateReset(stream)
        memberEnded = false
    }
}
