import Foundation

/// Reads and writes numpy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Layout:
///
/// ```text
/// \x93NUMPY  major minor  header_len (UInt16 LE for v1, UInt32 LE for v2/v3)
/// header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (n, m), }
///         padded with spaces and a final newline
/// data:   product(shape) elements, C order
/// ```
///
/// Supported element types (``NPYDataType``): float16/32/64 `<f2` `<f4` `<f8`, every integer
/// width `|i1` `<i2` `<i4` `<i8` `|u1` `<u2` `<u4` `<u8`, and bool `|b1` (big-endian `>` and
/// native `=` variants are converted). Fortran-order (column-major) arrays, as NumPy saves
/// the transpose of a C array and as ADBench ships its tables, are reordered to C order.
///
/// ```swift
/// try NPYFile.write(features, to: url)                  // float32, C order
/// let back = try NPYFile.read(from: url).tensor()
/// ```
public enum NPYFile {
    /// The six bytes every `.npy` file starts with.
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// The longest header accepted (numpy itself writes far shorter ones).
    public static let maximumHeaderLength = 1 << 20

    /// Reads the array in the file at `url`.
    /// - Throws: ``DataError``: `.fileNotFound`, `.empty`, `.badMagic`, `.unsupported`
    ///   (version, element type), `.corrupt` (malformed header, extra
    ///   bytes), `.tooLarge` (shape overflows), `.truncated` (the data is shorter than the
    ///   shape implies; detected before allocating anything).
    public static func read(from url: URL) throws -> NPYArray {
        try read(bytes: FileBytes.read(url), file: DataError.name(of: url))
    }

    /// Reads `.npy` data held in memory; `file` names it in errors.
    public static func read(bytes: [UInt8], file: String) throws -> NPYArray {
        func error(
            _ kind: DataError.Kind, _ at: Int, _ message: String, _ remedy: String
        )
            -> DataError
        {
            DataError(kind, file: file, location: .byte(at), message: message, remedy: remedy)
        }
        let rewrite = "Write the file with numpy.save, or with NPYFile.write."
        guard !bytes.isEmpty else {
            throw DataError(.empty, file: file, message: "the file is empty", remedy: rewrite)
        }
        guard bytes.starts(with: magic) else {
            throw error(
                .badMagic, 0, "this is not a .npy file (it does not start with \\x93NUMPY)",
                "Give a file written by numpy.save.")
        }
        guard bytes.count >= 10 else {
            throw error(.truncated, bytes.count, "the .npy preamble is truncated", rewrite)
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard (1...3).contains(major), minor == 0 else {
            throw error(
                .unsupported, 6,
                ".npy format version \(major).\(minor) is not supported (only 1.0, 2.0 and 3.0)",
                "Save the array with a current numpy.")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else {
            throw error(.truncated, bytes.count, "the .npy preamble is truncated", rewrite)
        }
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let headerStart = 8 + lengthSize
        guard headerLength <= maximumHeaderLength else {
            throw error(
                .tooLarge, 8,
                "the .npy header claims \(headerLength) bytes, more than the limit of \(maximumHeaderLength)",
                rewrite)
        }
        guard headerStart + headerLength <= bytes.count else {
            throw error(
                .truncated, bytes.count,
                "the .npy header is truncated: it should be \(headerLength) bytes but the file ends after \(bytes.count - headerStart)",
                "Copy the file again; it is incomplete.")
        }
        let header = try NPYHeader.parse(
            Array(bytes[headerStart..<(headerStart + headerLength)]), file: file,
            offset: headerStart)
        let (dataType, bigEndian) = try elementType(header.descr, file: file, offset: headerStart)
        let dataStart = headerStart + headerLength
        var (size, overflow) = (dataType.size, false)
        for d in header.shape where !overflow {
            (size, overflow) = size.multipliedReportingOverflow(by: d)
        }
        guard !overflow else {
            throw error(
                .tooLarge, headerStart, "the shape \(header.shape) overflows a 64-bit size", rewrite
            )
        }
        let available = bytes.count - dataStart
        guard available >= size else {
            throw error(
                .truncated, bytes.count,
                "the .npy data is truncated: shape \(header.shape) of \(dataType) needs \(size) bytes but the file has \(available) after the header",
                "Copy the file again; it is incomplete, or its header is wrong.")
        }
        guard available == size else {
            throw error(
                .corrupt, dataStart + size,
                "\(available - size) bytes follow the \(size) bytes that shape \(header.shape) of \(dataType) needs",
                rewrite)
        }
        var data = Array(bytes[dataStart...])
        if bigEndian && dataType.size > 1 {
            let n = dataType.size
            for start in stride(from: 0, to: data.count, by: n) {
                data[start..<(start + n)].reverse()
            }
        }
        if header.fortranOrder && header.shape.filter({ $0 > 1 }).count > 1 {
            data = cOrder(fromFortran: data, shape: header.shape, elementSize: dataType.size)
        }
        return NPYArray(dataType: dataType, shape: header.shape, bytes: data, source: file)
    }

    /// The elements of a column-major array in row-major order: element (i₀, …, i_k) sits
    /// at Σ i_j · (d₀ ⋯ d_{j−1}) in Fortran order and is written at its C-order position.
    static func cOrder(fromFortran bytes: [UInt8], shape: [Int], elementSize: Int) -> [UInt8] {
        let count = shape.reduce(1, *)
        var out = [UInt8](repeating: 0, count: bytes.count)
        var stride = [Int](repeating: 1, count: shape.count)  // Fortran strides, in elements
        for j in shape.indices.dropFirst() { stride[j] = stride[j - 1] * shape[j - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        bytes.withUnsafeBytes { from in
            out.withUnsafeMutableBytes { to in
                for c in 0..<count {
                    (to.baseAddress! + c * elementSize).copyMemory(
                        from: from.baseAddress! + source * elementSize, byteCount: elementSize)
                    // Advance the C-order odometer (last axis fastest).
                    var j = shape.count - 1
                    while j >= 0 {
                        index[j] += 1
                        source += stride[j]
                        if index[j] < shape[j] { break }
                        source -= stride[j] * shape[j]
                        index[j] = 0
                        j -= 1
                    }
                }
            }
        }
        return out
    }

    /// The element type and byte order of a `descr` such as `<f4`.
    private static func elementType(
        _ descr: String, file: String, offset: Int
    ) throws -> (
        NPYDataType, bigEndian: Bool
    ) {
        let chars = Array(descr)
        if chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])),
            let type = NPYDataType(kind: chars[1], size: size), chars[0] != "|" || size == 1
        {
            return (type, chars[0] == ">")
        }
        throw DataError(
            .unsupported, file: file, location: .byte(offset),
            message: "element type '\(descr)' is not supported",
            remedy:
                "Convert the array to one of \(NPYDataType.allCases.map(\.rawValue).joined(separator: ", ")) before saving, e.g. a.astype('<f4')."
        )
    }

    /// The `.npy` (version 1.0, or 2.0 when the header needs it) encoding of `array`.
    public static func encode(_ array: NPYArray) -> Data {
        let shape =
            array.shape.count == 1
            ? "(\(array.shape[0]),)" : "(\(array.shape.map(String.init).joined(separator: ", ")))"
        var header = Array(
            "{'descr': '\(array.dataType.rawValue)', 'fortran_order': False, 'shape': \(shape), }"
                .utf8)
        let version1 = header.count + 1 + 10 <= 65535
        let preamble = version1 ? 10 : 12
        // Pad with spaces so the data starts on a 64-byte boundary, and end with a newline.
        let padding = (64 - (preamble + header.count + 1) % 64) % 64
        header += [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var out = Data(magic + [version1 ? 1 : 2, 0])
        if version1 {
            out += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        } else {
            out += (0..<4).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        }
        out += header
        out += array.bytes
        return out
    }

    /// Writes `tensor` as a float32, C-order `.npy` file, atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try AtomicFile.write(encode(NPYArray(tensor)), to: url)
    }

    /// Writes `array` (any supported element type), atomically.
    public static func write(_ array: NPYArray, to url: URL) throws {
        try AtomicFile.write(encode(array), to: url)
    }
}
