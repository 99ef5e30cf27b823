import XCTest

@testable import Latent

final class SafeTensorsTests: XCTestCase {
    /// Bit patterns a careless writer or reader would change: NaN payloads (quiet and
    /// signalling, both signs), signed zeros, subnormals, infinities, extremes.
    let specialBits: [UInt32] = [
        0x7FC0_0000, 0x7FC0_0001, 0x7F80_0001, 0xFFC1_2345, 0x7FFF_FFFF,
        0x0000_0000, 0x8000_0000, 0x0000_0001, 0x807F_FFFF, 0x0040_0000,
        0x7F80_0000, 0xFF80_0000, 0x7F7F_FFFF, 0x0080_0000, 0x3F80_0000,
    ]

    func testRoundTripIsBitExact() throws {
        let special = Tensor(shape: [3, 5], scalars: specialBits.map(Float.init(bitPattern:)))
        let tensors: [(name: String, tensor: Tensor)] = [
            ("encoder.layers.0.weight", special),
            ("scalar", Tensor(7.5)),
            ("empty", Tensor(shape: [0, 3], scalars: [])),
            ("deep", Tensor(shape: [1, 1, 1, 4], scalars: [1, 2, 3, 4])),
            ("ünïcode \"name\"", Tensor([-1])),
        ]
        let metadata = ["format": "latent", "tricky": "quote\" back\\ newline\n tab\t ctrl\u{01} 🎉 é"]
        let data = SafeTensors.encode(tensors, metadata: metadata)
        let decoded = try SafeTensors.decode(data, source: "memory")

        XCTAssertEqual(decoded.order, tensors.map(\.name))
        XCTAssertEqual(decoded.metadata, metadata)
        for (name, tensor) in tensors {
            let back = try XCTUnwrap(decoded.tensors[name], name)
            XCTAssertEqual(back.shape, tensor.shape, name)
            XCTAssertEqual(back.scalars.map(\.bitPattern), tensor.scalars.map(\.bitPattern), name)
        }
    }

    func testLayoutMatchesTheFormat() throws {
        let data = SafeTensors.encode([("a", Tensor([1, 2])), ("b", Tensor(3))])
        let n = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(n % 8, 0, "header padded to a multiple of 8")
        let header = String(decoding: data[8..<(8 + n)], as: UTF8.self)
        XCTAssertEqual(
            header.trimmingCharacters(in: .whitespaces),
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
        )
        XCTAssertTrue(header.hasSuffix("}") || header.hasSuffix(" "))
        XCTAssertEqual(data.count, 8 + n + 12)
        // Little-endian 1.0f = 00 00 80 3F.
        XCTAssertEqual(Array(data[(8 + n)..<(8 + n + 4)]), [0x00, 0x00, 0x80, 0x3F])
    }

    func testMetadataComesFirstWithSortedKeys() {
        let data = SafeTensors.encode([("w", Tensor([1]))], metadata: ["b": "2", "a": "1"])
        let text = String(decoding: data.dropFirst(8), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"__metadata__":{"a":"1","b":"2"},"w":"#), text)
    }

    func testEmptyFile() throws {
        let decoded = try SafeTensors.decode(SafeTensors.encode([]), source: "empty")
        XCTAssertTrue(decoded.tensors.isEmpty)
        XCTAssertEqual(decoded.order, [])
    }

    func testDecodesADataSlice() throws {
        let file = SafeTensors.encode([("x", Tensor([4, 5]))])
        let padded = Data([9, 9, 9]) + file
        let slice = padded[3...]
        XCTAssertEqual(try SafeTensors.decode(slice, source: "slice").tensors["x"]?.scalars, [4, 5])
    }

    /// `Fixtures/python-numpy.safetensors`, written by Python's safetensors 0.8.0 with numpy 2.4:
    ///
    /// ```python
    /// save_file({
    ///     "encoder.weight": np.array([[1, -2.5, 3.25], [0, -0.0, 1e-3]], dtype=np.float32),
    ///     "encoder.bias": np.array([0.5, -0.5, 2], dtype=np.float32),
    ///     "scale": np.array(42, dtype=np.float32),
    ///     "empty": np.zeros((0, 4), dtype=np.float32),
    ///     "double": np.array([0.1, -3.0], dtype=np.float64),
    ///     "half": np.array([1, -2, 65504, 2**-24], dtype=np.float16),
    /// }, "python-numpy.safetensors",
    ///    metadata={"format": "np", "note": "made by safetensors.numpy 0.8.0"})
    /// ```
    func testReadsAFileWrittenByPython() throws {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "python-numpy", withExtension: "safetensors", subdirectory: "Fixtures"))
        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.metadata, ["format": "np", "note": "made by safetensors.numpy 0.8.0"])
        // The reference writer sorts by dtype alignment, then name.
        XCTAssertEqual(file.order, ["double", "empty", "encoder.bias", "encoder.weight", "scale", "half"])
        let t = file.tensors
        XCTAssertEqual(t["encoder.weight"]?.shape, [2, 3])
        XCTAssertEqual(
            t["encoder.weight"]?.scalars.map(\.bitPattern),
            [1, -2.5, 3.25, 0, -0.0, 1e-3].map { Float($0).bitPattern })
        XCTAssertEqual(t["encoder.bias"]?.scalars, [0.5, -0.5, 2])
        XCTAssertEqual(t["scale"]?.shape, [])
        XCTAssertEqual(t["scale"]?.item, 42)
        XCTAssertEqual(t["empty"]?.shape, [0, 4])
        XCTAssertEqual(t["empty"]?.count, 0)
        XCTAssertEqual(t["double"]?.scalars, [Float(0.1), -3])
        XCTAssertEqual(t["half"]?.scalars, [1, -2, 65504, 0x1p-24])
    }

    func testFileRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-safetensors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensors.write([("w", Tensor([[1, 2], [3, 4]]))], metadata: ["epoch": "3"], to: url)
        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.tensors["w"]?.shape, [2, 2])
        XCTAssertEqual(file.metadata["epoch"], "3")
    }
}
