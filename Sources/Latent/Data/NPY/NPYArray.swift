/// The element types Latent reads from and writes to `.npy` files: every NumPy integer
/// width, `bool`, and `float16`/`float32`/`float64` (complex, string and object arrays are
/// refused).
public enum NPYDataType: String, Sendable, CaseIterable {
    /// Little-endian IEEE single, numpy `float32`.
    case float32 = "<f4"
    /// Little-endian IEEE double, numpy `float64`.
    case float64 = "<f8"
    /// Little-endian IEEE half, numpy `float16`.
    case float16 = "<f2"
    /// Unsigned byte, numpy `uint8`.
    case uint8 = "|u1"
    /// Little-endian unsigned 16-bit integer, numpy `uint16`.
    case uint16 = "<u2"
    /// Little-endian unsigned 32-bit integer, numpy `uint32`.
    case uint32 = "<u4"
    /// Little-endian unsigned 64-bit integer, numpy `uint64`.
    case uint64 = "<u8"
    /// Signed byte, numpy `int8`.
    case int8 = "|i1"
    /// Little-endian 16-bit integer, numpy `int16` (ADBench's cover and shuttle).
    case int16 = "<i2"
    /// Little-endian 32-bit integer, numpy `int32`.
    case int32 = "<i4"
    /// Little-endian 64-bit integer, numpy `int64` (the default for integer labels).
    case int64 = "<i8"
    /// One byte, 0 or 1 (any non-zero byte reads as 1), numpy `bool`.
    case bool = "|b1"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .float16, .uint16, .int16: 2
        case .float32, .uint32, .int32: 4
        case .float64, .uint64, .int64: 8
        }
    }

    /// Whether the type holds integers (`bool` counts: its values are 0 and 1).
    public var isInteger: Bool {
        switch self {
        case .float16, .float32, .float64: false
        default: true
        }
    }

    /// The type for a numpy kind letter (`f`, `u`, `i`, `b`) and size in bytes.
    init?(kind: Character, size: Int) {
        guard let type = Self.allCases.first(where: { $0.rawValue.dropFirst() == "\(kind)\(size)" })
        else { return nil }
        self = type
    }
}

/// The contents of a `.npy` file: an n-dimensional array in C (row-major) order.
///
/// Elements are kept little-endian whatever the file's byte order was.
///
/// ```swift
/// let x = try NPYFile.read(from: url).tensor()      // any integer, bool or float type
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
        return try bytes.withUnsafeBytes { raw in
            try (0..<count).map { i in
                func load<T: FixedWidthInteger>(_: T.Type) -> T {
                    T(littleEndian: raw.loadUnaligned(fromByteOffset: T.bitWidth / 8 * i, as: T.self))
                }
                switch dataType {
                case .uint8: return Int(raw[i])
                case .bool: return raw[i] == 0 ? 0 : 1
                case .int8: return Int(Int8(bitPattern: raw[i]))
                case .int16: return Int(load(Int16.self))
                case .uint16: return Int(load(UInt16.self))
                case .int32: return Int(load(Int32.self))
                case .uint32: return Int(load(UInt32.self))
                case .int64: return Int(load(Int64.self))
                case .uint64:
                    let v = load(UInt64.self)
                    guard let value = Int(exactly: v) else {
                        throw DataError(
                            .unsupported, file: source,
                            message: "element \(i) is \(v), larger than the largest Int",
                            remedy: "Save the labels as a smaller integer type.")
                    }
                    return value
                case .float16, .float32, .float64: return 0  // refused above
                }
            }
        }
    }

    @inline(__always)
    private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        @inline(__always) func load<T: FixedWidthInteger>(_: T.Type) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: T.bitWidth / 8 * i, as: T.self))
        }
        switch dataType {
        case .float32: return Float(bitPattern: load(UInt32.self))
        case .float64: return Float(Double(bitPattern: load(UInt64.self)))
        case .float16: return Self.halfToFloat(load(UInt16.self))
        case .uint8: return Float(raw[i])
        case .bool: return raw[i] == 0 ? 0 : 1
        case .int8: return Float(Int8(bitPattern: raw[i]))
        case .int16: return Float(load(Int16.self))
        case .uint16: return Float(load(UInt16.self))
        case .int32: return Float(load(Int32.self))
        case .uint32: return Float(load(UInt32.self))
        case .int64: return Float(load(Int64.self))
        case .uint64: return Float(load(UInt64.self))
        }
    }

    /// IEEE 754 binary16 → binary32, exactly (every half is a float): subnormals, ±∞ and
    /// NaN included. Written out because `Float16` is unavailable on Intel macOS.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let fraction = UInt32(h & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: fraction · 2^-24
            let magnitude = Float(fraction) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 31:  // infinity or NaN
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        }
    }
}
