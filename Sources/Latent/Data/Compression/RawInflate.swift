import CZlib

/// Decompression of a raw deflate stream (RFC 1951, no gzip or zlib wrapper), as ZIP
/// archives store their members, into exactly the size the archive declares.
enum RawInflate {
    /// Inflates `input` (bytes `range` of the file `file`), which must decompress to exactly
    /// `size` bytes and end there.
    ///
    /// Memory is `size` bytes, which the caller has bounded (deflate cannot expand more
    /// than about 1032:1, and by its own cap); a stream that would give more, stops short,
    /// or is damaged is refused.
    ///
    /// - Throws: ``DataError`` `.corrupt` or `.truncated`, located at the stream's offset.
    static func inflate(
        _ input: ArraySlice<UInt8>, size: Int, file: String, member: String
    )
        throws -> [UInt8]
    {
        // −MAX_WBITS: a raw deflate stream, no header or trailer.
        var status: Int32 = Z_OK
        guard let zstream = ZStream(.inflate(windowBits: -MAX_WBITS), status: &status) else {
            throw DataError(
                .unreadable, file: file,
                message: "zlib could not start decompressing member '\(member)' (status \(status))")
        }
        let stream = zstream.pointer
        // Swift may release an object after its last use: keep the stream until the end.
        defer { withExtendedLifetime(zstream) {} }
        // One spare byte: a stream that fills it is longer than declared.
        var output = [UInt8](repeating: 0, count: size + 1)
        var consumed = 0
        var produced = 0
        var ended = false
        while !ended {
            let (result, inCount, outCount) = input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target -> (Int32, Int, Int) in
                    let availableIn = min(source.count - consumed, Int(UInt32.max))
                    let availableOut = min(target.count - produced, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: source.baseAddress.map { $0 + consumed })
                    stream.pointee.avail_in = UInt32(availableIn)
                    stream.pointee.next_out = target.baseAddress.map { $0 + produced }
                    stream.pointee.avail_out = UInt32(availableOut)
                    let result = CZlib.inflate(stream, Z_NO_FLUSH)
                    defer {
                        stream.pointee.next_in = nil
                        stream.pointee.next_out = nil
                    }
                    return (
                        result, availableIn - Int(stream.pointee.avail_in),
                        availableOut - Int(stream.pointee.avail_out)
                    )
                }
            }
            consumed += inCount
            produced += outCount
            let at = input.startIndex + consumed
            if produced > size {
                throw DataError(
                    .corrupt, file: file, location: .byte(at),
                    message: "member '\(member)' decompresses to more than the \(size) bytes the archive declares",
                    remedy: "The archive is damaged; write it again with numpy.savez.")
            }
            switch result {
            case Z_STREAM_END:
                ended = true
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed == input.count:
                throw DataError(
                    .truncated, file: file, location: .byte(at),
                    message: "member '\(member)' is truncated: its deflate stream ends early",
                    remedy: "Copy the file again; it is incomplete.")
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(result)"
                throw DataError(
                    .corrupt, file: file, location: .byte(at),
                    message: "member '\(member)' is corrupt (\(reason))",
                    remedy: "The archive is damaged; write it again with numpy.savez.")
            }
        }
        guard produced == size else {
            throw DataError(
                .corrupt, file: file, location: .byte(input.startIndex + consumed),
                message: "member '\(member)' decompresses to \(produced) bytes, not the \(size) the archive declares",
                remedy: "The archive is damaged; write it again with numpy.savez.")
        }
        output.removeLast()
        return output
    }

    /// The CRC-32 (ISO-HDLC, as zip and gzip use) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            repeat {
                let n = min(buffer.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, buffer.baseAddress.map { $0 + offset }, uInt(n))
                offset += n
            } while offset < buffer.count
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
