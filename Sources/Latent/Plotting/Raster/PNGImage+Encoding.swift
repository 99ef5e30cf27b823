import CZlib
import Foundation

extension PNGImage {
    /// The 8 bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes the image as a PNG file: signature, `IHDR`, one zlib-compressed `IDAT`,
    /// `IEND`. Each chunk is `length (4, big-endian) · type (4) · data · CRC-32(type · data)`.
    /// Rows are filtered adaptively (see ``PNGFilter``), 8 bits per sample, no interlacing.
    ///
    /// - Parameter compressionLevel: zlib level, 0 (store) … 9 (smallest); 6 is zlib's default.
    /// - Returns: the complete file contents.
    public func pngData(compressionLevel: Int = 6) -> Data {
        var header = [UInt8]()
        header += PNGImage.bigEndian(UInt32(width))
        header += PNGImage.bigEndian(UInt32(height))
        header += [8, colorType.rawValue, 0, 0, 0]  // bit depth, colour type, deflate, adaptive filtering, no interlace

        var out = Data(PNGImage.signature)
        PNGImage.appendChunk("IHDR", header, to: &out)
        PNGImage.appendChunk(
            "IDAT", PNGImage.deflate(filteredScanlines(), level: compressionLevel), to: &out)
        PNGImage.appendChunk("IEND", [], to: &out)
        return out
    }

    /// All rows, each prefixed by its filter-type byte.
    func filteredScanlines() -> [UInt8] {
        let bpp = colorType.channels
        let stride = width * bpp
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * height)
        var previous = [UInt8](repeating: 0, count: stride)
        for y in 0..<height {
            let row = Array(pixels[(y * stride)..<((y + 1) * stride)])
            let (filter, filtered) = PNGFilter.best(
                for: row, previous: previous, bytesPerPixel: bpp)
            out.append(filter.rawValue)
            out += filtered
            previous = row
        }
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// CRC-32 (the zlib / PNG polynomial) of `bytes`.
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout Data) {
        let typeAndData = Array(type.utf8) + data
        out.append(contentsOf: bigEndian(UInt32(data.count)))
        out.append(contentsOf: typeAndData)
        out.append(contentsOf: bigEndian(crc(typeAndData)))
    }

    /// A zlib stream (RFC 1950) of `bytes`.
    static func deflate(_ bytes: [UInt8], level: Int) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = bytes.withUnsafeBufferPointer { src in
            compress2(
                &out, &capacity, src.baseAddress, uLong(src.count), Int32(min(max(level, 0), 9)))
        }
        // compressBound guarantees room, so only memory exhaustion can fail here.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status).")
        return Array(out.prefix(Int(capacity)))
    }
}
