import XCTest

@testable import Latent

final class SafeTensorsDTypeTests: XCTestCase {
    /// A one-tensor file with the given dtype and raw little-endian bytes.
    func file(dtype: String, shape: [Int], bytes: [UInt8]) -> Data {
        let dims = shape.map(String.init).joined(separator: ",")
        var header = Array(#"{"t":{"dtype":"\#(dtype)","shape":[\#(dims)],"data_offsets":[0,\#(bytes.count)]}}"#.utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        return data + header + bytes
    }

    func testHalfToFloatKnownValues() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
            (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases {
            XCTAssertEqual(SafeTensors.DType.halfToFloat(bits), value, String(bits, radix: 16))
        }
        XCTAssertEqual(SafeTensors.DType.halfToFloat(0x8000).bitPattern, Float(-0.0).bitPattern)
        XCTAssertTrue(SafeTensors.DType.halfToFloat(0x7E00).isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    func testHalfToFloatMatchesFloat16Exhaustively() {
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = SafeTensors.DType.halfToFloat(bits)
            if expected.isNaN {
                XCTAssertTrue(actual.isNaN)
            } else {
                XCTAssertEqual(actual.bitPattern, expected.bitPattern, String(bits, radix: 16))
            }
        }
    }
    #endif

    func testReadsBF16() throws {
        // bf16 is the top half of a Float: 1.0 = 0x3F80, -2.5 = 0xC020, +inf = 0x7F80.
        let data = file(dtype: "BF16", shape: [3], bytes: [0x80, 0x3F, 0x20, 0xC0, 0x80, 0x7F])
        XCTAssertEqual(try SafeTensors.decode(data, source: "bf16").tensors["t"]?.scalars, [1, -2.5, .infinity])
    }

    func testReadsF64RoundingToNearestFloat() throws {
        let values: [Double] = [0.1, -1e300, 1e-50]
        let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        let decoded = try SafeTensors.decode(file(dtype: "F64", shape: [3], bytes: bytes), source: "f64")
        XCTAssertEqual(decoded.tensors["t"]?.scalars, [Float(0.1), -.infinity, 0])
    }

    func testRefusesOtherFormatDTypes() {
        XCTAssertThrowsError(
            try SafeTensors.decode(
                file(dtype: "I64", shape: [1], bytes: [UInt8](repeating: 0, count: 8)),
                source: "ints.safetensors")
        ) { error in
            let e = error as? SafeTensorsError
            XCTAssertEqual(e?.rule, .unsupportedDType)
            XCTAssertEqual(
                "\(error)",
                "ints.safetensors is not a valid safetensors file: tensor 't' has dtype I64; "
                    + "Latent reads only F32, F64, F16, BF16 tensors.")
        }
    }
}
