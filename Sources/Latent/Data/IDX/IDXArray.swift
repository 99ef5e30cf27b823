/// The element types of the IDX format (the third byte of the magic number).
public enum IDXDataType: UInt8, Sendable, CaseIterable {
    /// Unsigned byte (MNIST pixels and labels).
    case uint8 = 0x08
    /// Signed byte.
    case int8 = 0x09
    /// Big-endian 16-bit integer.
    case int16 = 0x0B
    /// Big-endian 32-bit integer.
    case int32 = 0x0C
    /// Big-endian IEEE single.
    case float32 = 0x0D
    /// Big-endian IEEE double.
    case float64 = 0x0E

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }
}

/// The contents of an IDX file: an n-dimensional array of one element type.
///
/// Elements are kept as stored: row-major, multi-byte types big-endian. MNIST images
/// are `uint8` with dimensions `[n, 28, 28]`; labels are `uint8` with dimensions `[n]`.
///
/// ```swift
/// let images = try IDXFile.read(from: url).images()   // Tensor [n, 28, 28] in [0, 1]
/// ```
public struct IDXArray: Equatable, Sendable {
    /// The element type.
    public var dataType: IDXDataType
    /// The size of each axis, outermost first.
    public var dimensions: [Int]
    /// The elements as stored: row-major, big-endian.
    public var bytes: [UInt8]
    /// The file this came from, for error messages.
    public var source: String

    /// Creates an array; `bytes` must hold exactly the elements `dimensions` imply.
    public init(
        dataType: IDXDataType, dimensions: [Int], bytes: [UInt8], source: String = "<memory>"
    ) {
        precondition(
            bytes.count == dimensions.reduce(dataType.size, *),
            "IDX dimensions \(dimensions) of \(dataType) need \(dimensions.reduce(dataType.size, *)) bytes, not \(bytes.count)."
        )
        self.dataType = dataType
        self.dimensions = dimensions
        self.bytes = bytes
        self.source = source
    }

    /// The number of elements.
    public var count: Int { bytes.count / dataType.size }

    /// Every element converted to `Float`, row-major.
    public func floats() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count { out[i] = element(raw, i) }
            }
            initialized = count
        }
    }

    /// The array as a tensor of the same shape, each element multiplied by `scale`.
    public func tensor(scale: Float = 1) -> Tensor {
        Tensor(shape: dimensions) { out in
            bytes.withUnsafeBytes { raw in
                if dataType == .uint8 {
                    let source = raw.bindMemory(to: UInt8.self)
                    for i in 0..<out.count { out[i] = Float(source[i]) * scale }
                } else {
                    for i in 0..<out.count { out[i] = element(raw, i) * scale }
                }
            }
        }
    }

    /// Images scaled to [0, 1]: a `uint8` array of rank 3 `[n, height, width]` becomes a
    /// tensor of that shape holding `pixel / 255`.
    /// - Throws: ``DataError`` `.unsupported` for other types or ranks.
    public func images() throws -> Tensor {
        guard dataType == .uint8, dimensions.count == 3 else {
            throw DataError(
                .unsupported, file: source,
                message:
                    "expected uint8 images with 3 dimensions [n, height, width], found \(dataType) with dimensions \(dimensions)",
                remedy:
                    "Pass an images file (such as train-images-idx3-ubyte.gz), not a labels file.")
        }
        return tensor(scale: 1 / 255)
    }

    /// Integer labels: a rank-1 array of an integer type becomes `[Int]`.
    /// - Throws: ``DataError`` `.unsupported` for float types or other ranks.
    public func labels() throws -> [Int] {
        guard dimensions.count == 1, dataType != .float32, dataType != .float64 else {
            throw DataError(
                .unsupported, file: source,
                message:
                    "expected integer labels with 1 dimension [n], found \(dataType) with dimensions \(dimensions)",
                remedy:
                    "Pass a labels file (such as train-labels-idx1-ubyte.gz), not an images file.")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Int in
                switch dataType {
                case .uint8: Int(raw[i])
                case .int8: Int(Int8(bitPattern: raw[i]))
                case .int16:
                    Int(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                case .int32:
                    Int(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                case .float32, .float64: 0
                }
            }
        }
    }

    /// Element `i` of the big-endian storage as a `Float`.
    @inline(__always)
    private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        switch dataType {
        case .uint8: Float(raw[i])
        case .int8: Float(Int8(bitPattern: raw[i]))
        case .int16:
            Float(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .int32:
            Float(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .float32:
            Float(
                bitPattern: UInt32(
                    bigEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .float64:
            Float(
                Double(
                    bitPattern: UInt64(
                        bigEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        }
    }
}
