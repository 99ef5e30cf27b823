/// The element types Latent reads from and writes to `.npy` files.
public enum NPYDataType: String, Sendable, CaseIterable {
    /// Little-endian IEEE single, numpy `float32`.
    case float32 = "<f4"
    /// Little-endian IEEE double, numpy `float64`.
    case float64 = "<f8"
    /// Unsigned byte, numpy `uint8`.
    case uint8 = "|u1"
    /// Little-endian 32-bit integer, numpy `int32`.
    case int32 = "<i4"
    /// Little-endian 64-bit integer, numpy `int64` (the default for integer labels).
    case int64 = "<i8"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8: 1
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// Whether the type holds integers.
    public var isInteger: Bool { self == .uint8 || self == .int32 || self == .int64 }

    /// The type for a numpy kind letter (`f`, `u`, `i`) and size in bytes.
    init?(kind: Character, size: Int) {
        switch (kind, size) {
        case ("f", 4): self = .float32
        case ("f", 8): self = .float64
        case ("u", 1): self = .uint8
        case ("i", 4): self = .int32
        case ("i", 8): self = .int64
        default: return nil
        }
    }
}

/// The contents of a `.npy` file: an n-dimensional array in C (row-major) order.
///
/// Elements are kept little-endian whatever the file's byte order was.
///
/// ```swift
/// let x = try NPYFile.read(from: url).tensor()      // float32, float64, uint8, int32 or int64
/// ```
public struct NPYArray: Equatable, Sendable {
    /// The element type.
    public var dataType: NPYDataType
    /// The size of each axis; empty for a scalar.
    public var shape: [Int]
    /// The elements, row-major, little-endian.
    public var bytes: [UInt8]
    /// The file this came from, for messages.
    public var source: String

    /// Creates an array; `bytes` must hold exactly the elements `shape` implies.
    public init(dataType: NPYDataType, shape: [Int], bytes: [UInt8], source: String = "<memory>") {
        precondition(
            bytes.count == shape.reduce(dataType.size, *),
            "NPY shape \(shape) of \(dataType) needs \(shape.reduce(dataType.size, *)) bytes, not \(bytes.count)."
        )
        self.dataType = dataType
        self.shape = shape
        self.bytes = bytes
        self.source = source
    }

    /// A float32 array holding `tensor`'s elements and shape.
    public init(_ tensor: Tensor) {
        let bytes = tensor.withUnsafeBufferPointer { buffer in
            [UInt8](UnsafeRawBufferPointer(buffer))  // little-endian on every supported platform
        }
        self.init(dataType: .float32, shape: tensor.shape, bytes: bytes)
    }

    /// An int64 array of `values` with the given shape (default: one axis).
    public init(integers values: [Int], shape: [Int]? = nil) {
        let bytes = values.flatMap { v in withUnsafeBytes(of: Int64(v).littleEndian) { Array($0) } }
        self.init(dataType: .int64, shape: shape ?? [values.count], bytes: bytes)
    }

    /// The number of elements.
    public var count: Int { bytes.count / dataType.size }

    /// The elements as a `Float` tensor of the same shape (float64 and large integers are
    /// rounded to the nearest float).
    public func tensor() -> Tensor {
        Tensor(shape: shape) { out in
            bytes.withUnsafeBytes { raw in
                switch dataType {
                case .float32:
                    for i in 0..<out.count {
                        out[i] = Float(
                            bitPattern: UInt32(
                                littleEndian: raw.loadUnaligned(
                                    fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                case .uint8:
                    for i in 0..<out.count { out[i] = Float(raw[i]) }
                default:
                    for i in 0..<out.count { out[i] = element(raw, i) }
                }
            }
        }
    }

    /// The elements as `[Float]`, row-major.
    public func floats() -> [Float] { tensor().scalars }

    /// The elements as integers, for label arrays.
    /// - Throws: ``DataError`` `.unsupported` for float types.
    public func integers() throws -> [Int] {
        guard dataType.isInteger else {
            throw DataError(
                .unsupported, file: source,
                message: "the array holds \(dataType) values, not integers",
                remedy: "Use tensor() for float arrays, or save the labels as an integer type.")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                switch dataType {
                case .uint8: Int(raw[i])
                case .int32:
                    Int(
                        Int32(
                            littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                default:
                    Int(
                        Int64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                }
            }
        }
    }

    @inline(__always)
    private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        switch dataType {
        case .float32:
            Float(
                bitPattern: UInt32(
                    littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .float64:
            Float(
                Double(
                    bitPattern: UInt64(
                        littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        case .uint8: Float(raw[i])
        case .int32:
            Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .int64:
            Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        }
    }
}
