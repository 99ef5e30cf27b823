import Foundation

/// Reading and writing Hugging Face safetensors files, the format of Latent's weights.
///
/// ```
/// ┌──────────────┬──────────────────────────────┬──────────────────────────────┐
/// │ N: UInt64 LE │ N bytes of UTF-8 JSON header │ byte buffer (tensor data)    │
/// └──────────────┴──────────────────────────────┴──────────────────────────────┘
/// header: {"__metadata__": {"key": "value", …},
///          "encoder.layers.0.weight": {"dtype": "F32", "shape": [784, 128],
///                                      "data_offsets": [begin, end]}, …}
/// ```
///
/// Offsets are relative to the start of the buffer; the tensors tile it exactly, in
/// row-major order and little-endian. Latent writes `F32` and reads `F32`, `F64`, `F16`
/// and `BF16` (converted to `Float`). Tensor names are the dotted parameter paths of a
/// module (`encoder.layers.0.weight`).
///
/// Reading never trusts the file: every rule of the format is checked before any tensor
/// is allocated, and a broken file is refused with a ``SafeTensorsError`` that names it.
///
/// ```swift
/// try SafeTensors.write([("weight", w), ("bias", b)], metadata: ["format": "latent"], to: url)
/// let (tensors, order, metadata) = try SafeTensors.read(contentsOf: url)
/// ```
///
/// ### See Also
/// - ``SafeTensorsError``
/// - ``AtomicFile``
public enum SafeTensors {
    /// The largest header accepted, as in the reference implementation: 100 MB.
    public static let maximumHeaderLength = 100_000_000

    /// Encodes tensors as a safetensors file.
    ///
    /// Tensors are written as `F32`, in the given order both in the header and in the
    /// buffer; `__metadata__` comes first, with its keys sorted, and is left out when
    /// empty. The header is padded with spaces to a multiple of 8 bytes, so the buffer
    /// starts 8-byte aligned.
    ///
    /// - Parameters:
    ///   - tensors: names and tensors; names must be unique and not `__metadata__`.
    ///   - metadata: free-form string pairs stored in `__metadata__`.
    /// - Returns: the complete file contents.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        var names = Set<String>()
        for (name, _) in tensors {
            precondition(name != "__metadata__", "'__metadata__' is reserved and cannot name a tensor.")
            precondition(names.insert(name).inserted, "The tensor name '\(name)' appears twice; names must be unique.")
        }
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }
                .map { SafeTensorsJSON.quoted($0.key) + ":" + SafeTensorsJSON.quoted($0.value) }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let end = offset + tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(
                SafeTensorsJSON.quoted(name)
                    + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + members.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        precondition(header.count <= maximumHeaderLength, "The safetensors header would exceed 100 MB.")

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in tensors {
            tensor.withUnsafeBufferPointer { values in
                #if _endian(little)
                data.append(values)
                #else
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            }
        }
        return data
    }

    /// Decodes a safetensors file, checking every rule of the format first.
    ///
    /// - Parameters:
    ///   - data: the complete file contents.
    ///   - source: the file name (or other origin) to name in errors.
    /// - Returns: the tensors by name, their names in header order (for files written by
    ///   Latent or by the reference implementation, also the buffer order), and the
    ///   `__metadata__` pairs (empty when absent or `null`).
    /// - Throws: ``SafeTensorsError`` naming `source` and the broken rule; see
    ///   ``SafeTensorsError/Rule``.
    public static func decode(
        _ data: Data, source: String
    ) throws -> (tensors: [String: Tensor], order: [String], metadata: [String: String]) {
        try data.withUnsafeBytes { raw in
            func fail(_ rule: SafeTensorsError.Rule, _ detail: String) -> SafeTensorsError {
                SafeTensorsError(source: source, rule: rule, detail: detail)
            }
            guard raw.count >= 8 else {
                throw fail(.fileTooShort, "the file has \(raw.count) bytes, fewer than the 8-byte header length.")
            }
            let n = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard n <= UInt64(maximumHeaderLength) else {
                throw fail(
                    .headerTooLarge,
                    "the header length is \(n) bytes, above the limit of "
                        + "\(maximumHeaderLength) bytes (100 MB).")
            }
            guard n <= UInt64(raw.count - 8) else {
                throw fail(
                    .headerBeyondFile,
                    "the header length is \(n) bytes but only \(raw.count - 8) bytes "
                        + "follow the length field (the file may be truncated).")
            }
            let bufferStart = 8 + Int(n)
            let header = try parseHeader(
                Array(raw[8..<bufferStart]), bufferLength: raw.count - bufferStart, source: source)
            var tensors: [String: Tensor] = [:]
            for entry in header.entries {
                tensors[entry.name] = Tensor(shape: entry.shape) { out in
                    entry.dtype.decode(raw, offset: bufferStart + entry.begin, into: out)
                }
            }
            return (tensors, header.entries.map(\.name), header.metadata)
        }
    }

    /// Writes tensors to a safetensors file atomically (see ``AtomicFile``).
    /// - Throws: file-system errors naming the path.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL
    ) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// Reads a safetensors file (memory-mapped when possible).
    /// - Throws: file-system errors, or ``SafeTensorsError`` naming the file.
    public static func read(
        contentsOf url: URL
    ) throws -> (tensors: [String: Tensor], order: [String], metadata: [String: String]) {
        try decode(Data(contentsOf: url, options: .mappedIfSafe), source: url.path)
    }
}
