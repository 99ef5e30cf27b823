extension SafeTensors {
    /// The element types Latent reads from safetensors files, all converted to `Float`:
    ///
    /// | dtype | bytes | conversion |
    /// |---|---|---|
    /// | `F32` | 4 | exact (bit for bit, NaN payloads included) |
    /// | `F64` | 8 | rounded to nearest `Float` (overflow → ±∞) |
    /// | `F16` | 2 | exact (every half is a `Float`) |
    /// | `BF16` | 2 | exact (the top 16 bits of a `Float`) |
    ///
    /// Latent writes `F32` only. Other dtypes of the format (integers, booleans, 8-bit
    /// floats) are refused with ``SafeTensorsError/Rule/unsupportedDType``.
    enum DType: String, CaseIterable {
        case f32 = "F32"
        case f64 = "F64"
        case f16 = "F16"
        case bf16 = "BF16"

        /// Every dtype name the safetensors format defines, readable or not.
        static let formatNames: Set<String> = [
            "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
            "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64",
        ]

        /// Size of one element in bytes.
        var size: Int {
            switch self {
            case .f32: return 4
            case .f64: return 8
            case .f16, .bf16: return 2
            }
        }

        /// Decodes `count` little-endian elements starting at `offset` of `raw` into `out`.
        /// - Precondition: `offset + count · size ≤ raw.count`, `out.count == count`.
        func decode(_ raw: UnsafeRawBufferPointer, offset: Int, into out: UnsafeMutableBufferPointer<Float>) {
            switch self {
            case .f32:
                for i in out.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)
                    out[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            case .f64:
                for i in out.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 8 * i, as: UInt64.self)
                    out[i] = Float(Double(bitPattern: UInt64(littleEndian: bits)))
                }
            case .f16:
                for i in out.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self)
                    out[i] = DType.halfToFloat(UInt16(littleEndian: bits))
                }
            case .bf16:
                for i in out.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self)
                    out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16)
                }
            }
        }

        /// IEEE 754 binary16 to `Float`, exactly; written out because `Float16` is not
        /// available on every platform Latent builds for.
        ///
        /// ```
        /// normal     (−1)^s · 2^(e−15) · (1 + m/1024)
        /// subnormal  (−1)^s · m · 2^−24          (e = 0)
        /// inf / NaN  e = 31, payload kept
        /// ```
        static func halfToFloat(_ h: UInt16) -> Float {
            let sign = UInt32(h & 0x8000) << 16
            let e = UInt32(h >> 10) & 0x1F
            let m = UInt32(h & 0x3FF)
            switch e {
            case 0x1F:
                return Float(bitPattern: sign | 0x7F80_0000 | m << 13)
            case 0:
                let magnitude = Float(m) * 0x1p-24
                return sign == 0 ? magnitude : -magnitude
            default:
                return Float(bitPattern: sign | (e + 112) << 23 | m << 13)
            }
        }
    }
}
