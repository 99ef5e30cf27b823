import Foundation
import XCTest

@testable import Latent

final class NPYFileTests: XCTestCase {
    /// A fixture written by numpy (see Fixtures/npy/make_fixtures.py).
    private func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(
            Bundle.module.url(
                forResource: name, withExtension: "npy", subdirectory: "Fixtures/npy"),
            "missing fixture \(name).npy")
    }

    // MARK: Files written by numpy

    func testReadsNumpyFloat32() throws {
        let array = try NPYFile.read(from: fixture("f4_2x3"))
        XCTAssertEqual(array.dataType, .float32)
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.tensor().scalars, [-0.5, -0.25, 0, 0.25, 0.5, 0.75])
    }

    func testReadsNumpyOtherTypes() throws {
        XCTAssertEqual(try NPYFile.read(from: fixture("f8_3")).floats(), [1.5, -2.25, 1e-3])
        let bytes = try NPYFile.read(from: fixture("u1_2x2"))
        XCTAssertEqual(bytes.shape, [2, 2])
        XCTAssertEqual(try bytes.integers(), [0, 255, 7, 8])
        XCTAssertEqual(try NPYFile.read(from: fixture("i8_5")).integers(), [3, 1, 4, 1, 5])
        XCTAssertEqual(try NPYFile.read(from: fixture("f4_big_endian")).floats(), [1.0, -2.5])
        let scalar = try NPYFile.read(from: fixture("f4_scalar"))
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.tensor().item, 3.5)
        assertDataError(.unsupported, ["f8_3.npy", "not integers"]) {
            try NPYFile.read(from: fixture("f8_3")).integers()
        }
    }

    func testReadsFortranOrderInCOrder() throws {
        // np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)): the file holds
        // 0 3 1 4 2 5 (columns first); the array is still [[0, 1, 2], [3, 4, 5]].
        let url = try fixture("f4_fortran")
        let array = try NPYFile.read(from: url)
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.floats(), [0, 1, 2, 3, 4, 5])
    }

    func testReadsFortranOrderOfThreeAxes() throws {
        let array = try NPYFile.read(from: fixture("f4_fortran_2x3x4"))
        XCTAssertEqual(array.shape, [2, 3, 4])
        XCTAssertEqual(array.floats(), (0..<24).map(Float.init))
    }

    func testReadsEveryIntegerWidthBoolAndHalf() throws {
        XCTAssertEqual(try NPYFile.read(from: fixture("i1_4")).integers(), [-128, -1, 0, 127])
        XCTAssertEqual(try NPYFile.read(from: fixture("i2_4")).integers(), [-32768, -1, 0, 32767])
        XCTAssertEqual(try NPYFile.read(from: fixture("i2_4")).floats(), [-32768, -1, 0, 32767])
        XCTAssertEqual(try NPYFile.read(from: fixture("i2_big_endian")).integers(), [-2, 300])
        XCTAssertEqual(try NPYFile.read(from: fixture("u2_3")).integers(), [0, 1, 65535])
        XCTAssertEqual(try NPYFile.read(from: fixture("u4_3")).integers(), [0, 1, 4_294_967_295])
        XCTAssertEqual(try NPYFile.read(from: fixture("u8_3")).integers(), [0, 1, 1 << 53])
        XCTAssertEqual(try NPYFile.read(from: fixture("u8_3")).floats(), [0, 1, 0x1p53])
        let flags = try NPYFile.read(from: fixture("b1_4"))
        XCTAssertEqual(flags.dataType, .bool)
        XCTAssertEqual(try flags.integers(), [1, 0, 0, 1])
        XCTAssertEqual(flags.floats(), [1, 0, 0, 1])
        let half = try NPYFile.read(from: fixture("f2_6"))
        XCTAssertEqual(half.dataType, .float16)
        XCTAssertEqual(half.floats(), [1, -2.5, 65504, 0x1p-24, .infinity, 0])
        assertDataError(.unsupported, ["f2_6.npy", "not integers"]) { try half.integers() }
    }

    func testHalfToFloatIsExactEverywhere() {
        XCTAssertEqual(NPYArray.halfToFloat(0x3C00), 1)
        XCTAssertEqual(NPYArray.halfToFloat(0x8000).sign, .minus)
        XCTAssertEqual(NPYArray.halfToFloat(0x0001), 0x1p-24)  // smallest subnormal
        XCTAssertEqual(NPYArray.halfToFloat(0x03FF), 1023 * 0x1p-24)  // largest subnormal
        XCTAssertEqual(NPYArray.halfToFloat(0x0400), 0x1p-14)  // smallest normal
        XCTAssertEqual(NPYArray.halfToFloat(0xFC00), -.infinity)
        XCTAssertTrue(NPYArray.halfToFloat(0x7E00).isNaN)
    }

    func testUInt64LabelsBeyondIntAreRefused() throws {
        let bytes = withUnsafeBytes(of: UInt64.max.littleEndian) { Array($0) }
        let array = NPYArray(dataType: .uint64, shape: [1], bytes: bytes, source: "big.npy")
        assertDataError(.unsupported, ["big.npy", "larger than the largest Int"]) {
            try array.integers()
        }
    }

    func testRefusesComplexAndStrings() throws {
        for descr in ["<c8", "<U3", "|O", "<f16", "|b2"] {
            let header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }\n".utf8)
            let bytes = NPYFile.magic + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 16)
            assertDataError(.unsupported, ["x.npy", "element type '\(descr)' is not supported"]) {
                try NPYFile.read(bytes: bytes, file: "x.npy")
            }
        }
    }

    // MARK: Writing

    func testRoundTrip() throws {
        let dir = try temporaryDirectory(self)
        for shape in [[2, 3], [5], [], [0, 4], [2, 1, 3]] {
            var generator = RandomGenerator(seed: UInt64(shape.count))
            let tensor = Tensor.randomNormal(shape, using: &generator)
            let url = dir.appendingPathComponent("t\(shape.count).npy")
            try NPYFile.write(tensor, to: url)
            let data = try Data(contentsOf: url)
            XCTAssertEqual(
                (data.count - tensor.count * 4) % 64, 0, "the data starts on a 64-byte boundary")
            let back = try NPYFile.read(from: url)
            XCTAssertEqual(back.shape, shape)
            XCTAssertEqual(back.tensor().scalars, tensor.scalars)
        }
        let labels = NPYArray(integers: [7, -1, 3])
        XCTAssertEqual(
            try NPYFile.read(bytes: [UInt8](NPYFile.encode(labels)), file: "l").integers(),
            [7, -1, 3])
    }

    func testNumpyReadsWhatWeWrite() throws {
        let dir = try temporaryDirectory(self)
        let url = dir.appendingPathComponent("w.npy")
        try NPYFile.write(Tensor(shape: [2, 2], scalars: [1, -2.5, 0.125, 4]), to: url)
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import numpy as np; a = np.load('\(url.path)'); print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], a.ravel().tolist())",
        ]
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        // Skip only when numpy itself is missing; numpy refusing Latent's file is a failure.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import numpy"]
        probe.standardError = Pipe()
        guard (try? probe.run()) != nil else { throw XCTSkip("python3 is not available") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("python3 has no numpy") }
        try process.run()
        let output = String(
            decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "numpy could not read Latent's .npy file: \(message)")
        XCTAssertEqual(
            output.trimmingCharacters(in: .whitespacesAndNewlines),
            "float32 (2, 2) True [1.0, -2.5, 0.125, 4.0]")
    }

    // MARK: Hostile and broken files

    private func file(header: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        let text = Array(header.utf8)
        let length: [UInt8] =
            version == 1
            ? [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
            : [UInt8(text.count & 0xFF), UInt8(text.count >> 8 & 0xFF), 0, 0]
        return NPYFile.magic + [version, 0] + length + text + data
    }

    func testShapeLargerThanFile() throws {
        let url = try writeFile(
            file(
                header:
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000), }\n",
                data: [1, 2, 3, 4]),
            "huge.npy", in: try temporaryDirectory(self))
        assertDataError(.truncated, [url.path, "byte ", "needs 4000000000000000 bytes", "has 4"]) {
            try NPYFile.read(from: url)
        }
    }

    func testShapeOverflow() {
        let bytes = file(
            header:
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n")
        assertDataError(.tooLarge, ["o.npy", "byte 10", "overflows"]) {
            try NPYFile.read(bytes: bytes, file: "o.npy")
        }
        let digits = file(
            header:
                "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }")
        assertDataError(.corrupt, ["o.npy", "64 bits"]) {
            try NPYFile.read(bytes: digits, file: "o.npy")
        }
    }

    func testBadMagicAndEmpty() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile(Array("PK\u{3}\u{4}not numpy".utf8), "a.npy", in: dir)
        assertDataError(.badMagic, [url.path, "byte 0", "NUMPY"]) { try NPYFile.read(from: url) }
        let empty = try writeFile([], "e.npy", in: dir)
        assertDataError(.empty, [empty.path, "empty"]) { try NPYFile.read(from: empty) }
    }

    func testMalformedHeaders() {
        let cases: [(String, String)] = [
            ("{'descr': '<f4', 'fortran_order': False}", "lacks 'shape'"),
            ("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", "True or False"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "'extra'"),
            (
                "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
                "repeated key 'descr'"
            ),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative integer"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", "after the closing"),
            ("{'descr: '<f4'", "expected ':'"),
            ("[1, 2]", "expected '{'"),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                    + String(repeating: "1,", count: 70) + ")}", "more than 64 axes"
            ),
        ]
        for (header, fragment) in cases {
            assertDataError(.corrupt, ["h.npy", "byte ", fragment]) {
                try NPYFile.read(bytes: file(header: header, data: [0, 0, 0, 0]), file: "h.npy")
            }
        }
    }

    func testUnsupportedTypesAndVersions() {
        for descr in ["<c8", "O", "<U5", "|f4", "<b2", "|i2"] {  // <f2 and |b1 are read since issue 15
            let bytes = file(
                header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }",
                data: [0, 0, 0, 0])
            assertDataError(.unsupported, ["t.npy", "'\(descr)'"]) {
                try NPYFile.read(bytes: bytes, file: "t.npy")
            }
        }
        var bytes = file(
            header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])
        bytes[6] = 9
        assertDataError(.unsupported, ["t.npy", "byte 6", "version 9.0"]) {
            try NPYFile.read(bytes: bytes, file: "t.npy")
        }
    }

    func testVersion2AndTruncatedHeader() {
        let v2 = file(
            header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
            data: [0, 0, 0x80, 0x3F], version: 2)
        XCTAssertEqual(try NPYFile.read(bytes: v2, file: "v2").floats(), [1])
        var claim = NPYFile.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{'descr'".utf8)
        assertDataError(.tooLarge, ["c.npy", "byte 8", "limit"]) {
            try NPYFile.read(bytes: claim, file: "c.npy")
        }
        claim = NPYFile.magic + [1, 0, 0xFF, 0x00] + Array("{'descr'".utf8)
        assertDataError(.truncated, ["c.npy", "byte \(claim.count)", "255 bytes"]) {
            try NPYFile.read(bytes: claim, file: "c.npy")
        }
    }

    func testExtraBytesAfterData() {
        let bytes = file(
            header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", data: [1, 2, 3])
        assertDataError(.corrupt, ["x.npy", "1 bytes follow"]) {
            try NPYFile.read(bytes: bytes, file: "x.npy")
        }
    }
}
