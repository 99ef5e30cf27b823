import CZlib
import Foundation

@testable import Latent

/// A rule of the PNG format that a byte string breaks, as found by ``PNGInspection``.
public enum PNGFormatError: Error, Equatable, CustomStringConvertible {
    case badSignature
    case truncated(offset: Int)
    case badCRC(chunk: String, offset: Int)
    case misplacedChunk(String)
    case invalidHeader(String)
    case unsupported(String)
    case missingChunk(String)
    case inflateFailed(status: Int32)
    case wrongDataSize(expected: Int, actual: Int)
    case excessData(expected: Int)
    case badFilter(row: Int, type: UInt8)

    /// A sentence naming the rule broken and, where it helps, what to do.
    public var description: String {
        switch self {
        case .badSignature:
            "The data does not start with the 8-byte PNG signature 89 50 4E 47 0D 0A 1A 0A; it is not a PNG file."
        case .truncated(let offset):
            "The file ends inside a chunk that starts at byte \(offset); it was cut short, so write it again."
        case .badCRC(let chunk, let offset):
            "The CRC of the \(chunk) chunk at byte \(offset) does not match its contents; the file is corrupted."
        case .misplacedChunk(let chunk):
            "The \(chunk) chunk is out of order (IHDR must come first and IEND last)."
        case .invalidHeader(let reason):
            "The IHDR chunk is invalid: \(reason)."
        case .unsupported(let reason):
            "This PNG uses a feature the inspector does not read: \(reason)."
        case .missingChunk(let chunk):
            "The required \(chunk) chunk is missing."
        case .inflateFailed(let status):
            "The IDAT data is not a valid zlib stream (zlib status \(status))."
        case .wrongDataSize(let expected, let actual):
            "The IDAT data inflates to \(actual) bytes, but the header implies \(expected) (rows × (1 + row bytes))."
        case .excessData(let expected):
            "The IDAT data inflates to more than the \(expected) bytes the header implies."
        case .badFilter(let row, let type):
            "Row \(row) uses filter type \(type); only 0…4 exist."
        }
    }
}

/// Reads PNG files back, checking them against the format: the signature, chunk order,
/// every chunk's CRC-32, the `IHDR` fields, and that the concatenated `IDAT` data inflates
/// to exactly `height × (1 + width × channels)` bytes. Handles what ``PNGImage`` writes:
/// 8-bit grayscale, grey+alpha, RGB and RGBA, not interlaced.
///
/// ```swift
/// let (width, height, colorType) = try PNGInspection.validate(data)
/// let image = try PNGInspection.decode(data)   // pixels, with filters undone
/// ```
public enum PNGInspection {
    /// Checks `data` is a well-formed PNG this library can read.
    /// - Returns: the image size and colour type from `IHDR`.
    /// - Throws: ``PNGFormatError`` naming the first rule broken.
    @discardableResult
    public static func validate(
        _ data: Data
    ) throws -> (
        width: Int, height: Int, colorType: PNGImage.ColorType
    ) {
        let parsed = try parse(data)
        return (parsed.width, parsed.height, parsed.colorType)
    }

    /// Validates `data` and decodes its pixels.
    /// - Throws: ``PNGFormatError`` naming the first rule broken.
    public static func decode(_ data: Data) throws -> PNGImage {
        let parsed = try parse(data)
        let bpp = parsed.colorType.channels
        let stride = parsed.width * bpp
        var pixels = [UInt8]()
        pixels.reserveCapacity(stride * parsed.height)
        var previous = [UInt8](repeating: 0, count: stride)
        for y in 0..<parsed.height {
            let start = y * (stride + 1)
            guard let filter = PNGFilter(rawValue: parsed.scanlines[start]) else {
                throw PNGFormatError.badFilter(row: y, type: parsed.scanlines[start])
            }
            let row = filter.reverse(
                Array(parsed.scanlines[(start + 1)...(start + stride)]), previous: previous,
                bytesPerPixel: bpp)
            pixels += row
            previous = row
        }
        return PNGImage(
            width: parsed.width, height: parsed.height, colorType: parsed.colorType, pixels: pixels)
    }

    private struct Parsed {
        var width: Int, height: Int, colorType: PNGImage.ColorType, scanlines: [UInt8]
    }

    private static func parse(_ data: Data) throws -> Parsed {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGImage.signature else {
            throw PNGFormatError.badSignature
        }
        var offset = 8
        var header: (width: Int, height: Int, colorType: PNGImage.ColorType)?
        var compressed = [UInt8]()
        var sawEnd = false
        while offset < bytes.count {
            guard !sawEnd else { throw PNGFormatError.misplacedChunk("IEND") }
            guard offset + 12 <= bytes.count else { throw PNGFormatError.truncated(offset: offset) }
            let length = Int(readUInt32(bytes, offset))
            guard length <= bytes.count - offset - 12 else {
                throw PNGFormatError.truncated(offset: offset)
            }
            let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            guard readUInt32(bytes, offset + 8 + length) == PNGImage.crc(typeAndData) else {
                throw PNGFormatError.badCRC(chunk: type, offset: offset)
            }
            let body = Array(typeAndData[4...])
            switch type {
            case "IHDR":
                guard header == nil, offset == 8 else {
                    throw PNGFormatError.misplacedChunk("IHDR")
                }
                header = try readHeader(body)
            case "IDAT":
                guard header != nil else { throw PNGFormatError.misplacedChunk("IDAT") }
                compressed += body
            case "IEND":
                sawEnd = true
            case "PLTE":
                throw PNGFormatError.unsupported("palette images (PLTE)")
            default:
                guard header != nil else { throw PNGFormatError.misplacedChunk(type) }
                // Ancillary chunks (lower-case first letter) may be skipped; critical ones may not.
                if typeAndData[0] & 0x20 == 0 {
                    throw PNGFormatError.unsupported("critical chunk \(type)")
                }
            }
            offset += 12 + length
        }
        guard let header else { throw PNGFormatError.missingChunk("IHDR") }
        guard !compressed.isEmpty else { throw PNGFormatError.missingChunk("IDAT") }
        guard sawEnd else { throw PNGFormatError.missingChunk("IEND") }
        let expected = header.height * (1 + header.width * header.colorType.channels)
        let scanlines = try inflate(compressed, expectedCount: expected)
        return Parsed(
            width: header.width, height: header.height, colorType: header.colorType,
            scanlines: scanlines)
    }

    private static func readHeader(_ body: [UInt8]) throws -> (Int, Int, PNGImage.ColorType) {
        guard body.count == 13 else {
            throw PNGFormatError.invalidHeader("it has \(body.count) bytes, not 13")
        }
        let width = Int(readUInt32(body, 0))
        let height = Int(readUInt32(body, 4))
        guard width > 0, height > 0, width < 1 << 31, height < 1 << 31 else {
            throw PNGFormatError.invalidHeader("size \(width)×\(height) is not in 1…2³¹−1")
        }
        guard body[8] == 8 else {
            throw PNGFormatError.unsupported("bit depth \(body[8]) (only 8 is read)")
        }
        guard let colorType = PNGImage.ColorType(rawValue: body[9]) else {
            throw PNGFormatError.unsupported("colour type \(body[9])")
        }
        guard body[10] == 0, body[11] == 0 else {
            throw PNGFormatError.invalidHeader(
                "compression method \(body[10]) / filter method \(body[11]) must be 0")
        }
        guard body[12] == 0 else { throw PNGFormatError.unsupported("interlaced images") }
        return (width, height, colorType)
    }

    private static func inflate(_ compressed: [UInt8], expectedCount: Int) throws -> [UInt8] {
        // One spare byte: a stream longer than expected then fails with Z_BUF_ERROR.
        var out = [UInt8](repeating: 0, count: expectedCount + 1)
        var length = uLongf(out.count)
        let status = compressed.withUnsafeBufferPointer { src in
            uncompress(&out, &length, src.baseAddress, uLong(src.count))
        }
        if status == Z_BUF_ERROR && Int(length) == out.count {
            throw PNGFormatError.excessData(expected: expectedCount)
        }
        guard status == Z_OK else { throw PNGFormatError.inflateFailed(status: status) }
        guard Int(length) == expectedCount else {
            throw PNGFormatError.wrongDataSize(expected: expectedCount, actual: Int(length))
        }
        return Array(out.prefix(expectedCount))
    }

    private static func readUInt32(_ bytes: [UInt8], _ i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8
            | UInt32(bytes[i + 3])
    }
}
