import Foundation

/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST (`*-ubyte`), plain
/// or gzip-compressed (`*-ubyte.gz`, detected by content, not by name).
///
/// Layout (all integers big-endian):
///
/// ```text
/// offset 0   0x00 0x00 type ndims      type 0x08 = uint8, 0x09 int8, 0x0B int16,
///                                      0x0C int32, 0x0D float32, 0x0E float64
/// offset 4   ndims × UInt32 sizes      outermost axis first
/// offset 4+4·ndims  the elements, row-major; exactly product(sizes) × element size bytes
/// ```
///
/// ```swift
/// let labels = try IDXFile.read(from: dir.appendingPathComponent("train-labels-idx1-ubyte.gz")).labels()
/// ```
public enum IDXFile {
    /// The default cap on the data size: 4 GiB.
    public static let defaultMaximumSize = 1 << 32

    /// Reads an IDX file, decompressing it first if it is gzip.
    ///
    /// The payload is allocated only as far as the data is really there, so a header that
    /// claims a huge array fails with a truncation error instead of exhausting memory.
    ///
    /// - Parameters:
    ///   - url: a `*-ubyte` or `*-ubyte.gz` file.
    ///   - maximumSize: the largest payload accepted, in bytes.
    /// - Returns: the array with its type, dimensions and raw big-endian bytes.
    /// - Throws: ``DataError``: `.fileNotFound`, `.empty`, `.badMagic`, `.unsupported`
    ///   (unknown type, zero dimensions), `.tooLarge` (sizes overflow or exceed
    ///   `maximumSize`), `.truncated` (the data is shorter than the header implies),
    ///   `.corrupt` (bytes after the data, or damaged gzip).
    public static func read(from url: URL, maximumSize: Int = defaultMaximumSize) throws -> IDXArray {
        try read(
            bytes: FileBytes.read(url), file: DataError.name(of: url), maximumSize: maximumSize)
    }

    /// Reads IDX data held in memory (plain or gzip); `file` names it in errors.
    public static func read(
        bytes: [UInt8], file: String, maximumSize: Int = defaultMaximumSize
    )
        throws -> IDXArray
    {
        guard !bytes.isEmpty else {
            throw DataError(
                .empty, file: file, message: "the file is empty",
                remedy: "Download or copy the file again.")
        }
        let source = try ByteSource(bytes, file: file)
        let magic = try source.read(upTo: 4)
        guard magic.count == 4 else {
            throw truncated(
                source, at: magic.count,
                "the IDX header is truncated: the data ends after \(magic.count) of its 4 magic bytes"
            )
        }
        guard magic[0] == 0, magic[1] == 0 else {
            let hex = magic.map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DataError(
                .badMagic, file: file, location: source.location(0),
                message: "this is not an IDX file: it starts with \(hex), not 00 00 <type> <ndims>",
                remedy: "Check that the path names an IDX file such as train-images-idx3-ubyte.gz.")
        }
        guard let dataType = IDXDataType(rawValue: magic[2]) else {
            throw DataError(
                .unsupported, file: file, location: source.location(2),
                message: "unknown IDX element type 0x\(String(format: "%02x", magic[2]))",
                remedy:
                    "IDX types are 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64."
            )
        }
        let rank = Int(magic[3])
        guard rank > 0 else {
            throw DataError(
                .unsupported, file: file, location: source.location(3),
                message: "the IDX header declares 0 dimensions",
                remedy: "The file is damaged; download it again.")
        }
        let sizeBytes = try source.read(upTo: 4 * rank)
        guard sizeBytes.count == 4 * rank else {
            throw truncated(
                source, at: 4 + sizeBytes.count,
                "the IDX header is truncated: it declares \(rank) dimensions but the data ends inside their sizes"
            )
        }
        let dimensions = (0..<rank).map { i in
            sizeBytes[(4 * i)..<(4 * i + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        let headerSize = 4 + 4 * rank
        var (payloadSize, overflow) = (dataType.size, false)
        for d in dimensions where !overflow {
            (payloadSize, overflow) = payloadSize.multipliedReportingOverflow(by: d)
        }
        guard !overflow, payloadSize <= maximumSize else {
            let product = dimensions.map(String.init).joined(separator: " × ")
            throw DataError(
                .tooLarge, file: file, location: source.location(4),
                message:
                    "the IDX dimensions \(product) of \(dataType) \(overflow ? "overflow a 64-bit size" : "need \(payloadSize) bytes, more than the limit of \(maximumSize)")",
                remedy: overflow
                    ? "The header is damaged; download the file again."
                    : "Raise maximumSize if the file is trusted.")
        }
        // Never allocate more than the file can really hold.
        var payload = [UInt8](repeating: 0, count: min(payloadSize, source.remainingUpperBound))
        let got = try payload.withUnsafeMutableBytes { try source.read(into: $0) }
        guard got == payloadSize else {
            throw truncated(
                source, at: headerSize + got,
                "the IDX data is truncated: the header implies \(payloadSize) bytes of \(dataType) data but only \(got) follow"
            )
        }
        guard try source.isAtEnd() else {
            let extra =
                source.isCompressed
                ? "more bytes follow"
                : "\(bytes.count - headerSize - payloadSize) more bytes follow"
            throw DataError(
                .corrupt, file: file, location: source.location(headerSize + payloadSize),
                message:
                    "the IDX data should end here (after \(dataType) dimensions \(dimensions)) but \(extra)",
                remedy: "The file is damaged or its header is wrong; download it again.")
        }
        return IDXArray(dataType: dataType, dimensions: dimensions, bytes: payload, source: file)
    }

    /// The IDX encoding of `array` (uncompressed).
    public static func encode(_ array: IDXArray) -> [UInt8] {
        precondition(array.dimensions.count <= 255, "IDX holds at most 255 dimensions.")
        var out: [UInt8] = [0, 0, array.dataType.rawValue, UInt8(array.dimensions.count)]
        for d in array.dimensions {
            precondition(d >= 0 && d <= Int(UInt32.max), "IDX sizes must fit in 32 bits, not \(d).")
            out += [
                UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF),
            ]
        }
        return out + array.bytes
    }

    /// Writes `array` atomically, gzip-compressed when `compressed` is true.
    public static func write(_ array: IDXArray, to url: URL, compressed: Bool = false) throws {
        let bytes = encode(array)
        try AtomicFile.write(Data(compressed ? Gzip.compress(bytes) : bytes), to: url)
    }

    private static func truncated(
        _ source: ByteSource, at offset: Int, _ message: String
    )
        -> DataError
    {
        DataError(
            .truncated, file: source.file, location: source.location(offset), message: message,
            remedy: "Download or copy the file again; it is incomplete.")
    }
}
