import Foundation
import XCTest

@testable import Latent

final class NPZFileTests: XCTestCase {
    /// A fixture written by numpy (see Fixtures/npz/make_fixtures.py).
    private func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "npz", subdirectory: "Fixtures/npz"),
            "missing fixture \(name).npz")
    }

    private let x: [Float] = (0..<12).map { Float($0) / 4 }

    // MARK: Archives written by numpy

    func testReadsStoredAndDeflatedArchives() throws {
        for name in ["stored", "deflated"] {
            let archive = try NPZFile.read(from: fixture(name))
            XCTAssertEqual(archive.keys, ["X", "y"], name)
            let features = try archive.array("X")
            XCTAssertEqual(features.shape, [4, 3], name)
            XCTAssertEqual(features.floats(), x, "\(name): Fortran order read back in C order")
            XCTAssertEqual(try archive.array("y").integers(), [0, 0, 1, 0], name)
        }
    }

    func testMissingArrayNamesTheKeysThereAre() throws {
        let url = try fixture("keys")
        let archive = try NPZFile.read(from: url)
        XCTAssertEqual(Set(archive.keys), ["features", "target"])
        assertDataError(.missingColumn, [url.path, "no array 'X'", "'features'", "'target'"]) {
            try archive.array("X")
        }
    }

    // MARK: Writing

    func testRoundTripAndNumpyReadsWhatWeWrite() throws {
        let dir = try temporaryDirectory(self)
        let tensor = Tensor(shape: [4, 3], scalars: x)
        for compressed in [true, false] {
            let url = dir.appendingPathComponent("w\(compressed).npz")
            try NPZFile.write(
                ["X": NPYArray(tensor), "y": NPYArray(integers: [0, 1, 0, 0])], to: url,
                compressed: compressed)
            let back = try NPZFile.read(from: url)
            XCTAssertEqual(try back.array("X").floats(), x)
            XCTAssertEqual(try back.array("y").integers(), [0, 1, 0, 0])
            let output = try python(
                "import numpy as np; z = np.load('\(url.path)'); print(z['X'].shape, z['X'].sum(), z['y'].tolist())")
            if let output { XCTAssertEqual(output, "(4, 3) 16.5 [0, 1, 0, 0]") }
        }
    }

    /// numpy's output, or nil when python3 with numpy is not installed.
    private func python(_ code: String) throws -> String? {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        process.standardOutput = pipe
        process.standardError = Pipe()
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Hostile archives

    private func good(compressed: Bool = true) -> [UInt8] {
        NPZFile.encode(
            ["X": NPYArray(Tensor(shape: [4, 3], scalars: x)), "y": NPYArray(integers: [0, 1, 0, 0])],
            compressed: compressed)
    }

    private func read(_ bytes: [UInt8]) throws -> [Float] {
        try NPZFile.read(bytes: bytes, file: "bad.npz").array("X").floats()
    }

    /// The offset of the first central directory entry.
    private func directory(_ b: [UInt8]) -> Int {
        let end = b.count - 22
        return Int(ZipArchive.u32(b, end + 16))
    }

    func testRefusesWhatIsNotAnArchive() {
        assertDataError(.empty, ["bad.npz", "empty"]) { try read([]) }
        assertDataError(.badMagic, ["bad.npz", "not a .npz"]) { try read(Array("X,y\n1,0\n".utf8)) }
        assertDataError(.badMagic, ["bad.npz"]) { try read([UInt8](NPYFile.encode(NPYArray(integers: [1])))) }
    }

    func testRefusesTruncatedArchives() {
        let b = good()
        for cut in [1, 10, 22, b.count / 2, b.count - 5] {
            XCTAssertThrowsError(try read(Array(b.prefix(cut))), "cut at \(cut)") { error in
                let e = error as? DataError
                XCTAssertNotNil(e, "\(error)")
                XCTAssertTrue(e?.description.contains("bad.npz") ?? false)
            }
        }
    }

    func testRefusesAFlippedDataByteByItsChecksum() {
        var b = good(compressed: false)
        b[100] ^= 0x01  // inside X.npy's header text: still parses as a zip member
        assertDataError(.corrupt, ["bad.npz", "CRC-32"]) { try read(b) }
    }

    func testRefusesCorruptDeflateStreams() {
        var b = good()
        let dataStart = 30 + 5
        for i in dataStart..<(dataStart + 8) { b[i] = 0xFF }
        XCTAssertThrowsError(try read(b)) { error in
            let e = error as? DataError
            XCTAssertTrue([.corrupt, .truncated].contains(e?.kind), "\(error)")
            XCTAssertTrue(e?.description.contains("member 'X.npy'") ?? false, "\(error)")
        }
    }

    func testRefusesUnsupportedMethodsAndEncryption() {
        var b = good()
        let entry = directory(b)
        b[entry + 10] = 14  // LZMA
        assertDataError(.unsupported, ["bad.npz", "method 14", "deflate"]) { try read(b) }
        b = good()
        b[entry + 8] |= 1  // encrypted
        assertDataError(.unsupported, ["bad.npz", "encrypted"]) { try read(b) }
    }

    func testRefusesSizesThatLie() {
        // A deflated member claiming 4 GiB − 1: more than 1032 × its compressed size.
        var b = good()
        let entry = directory(b)
        for k in 0..<4 { b[entry + 24 + k] = 0xFF }
        b[entry + 24] = 0xFE
        assertDataError(.corrupt, ["bad.npz", "more than deflate can give"]) { try read(b) }
        // A member claiming more compressed bytes than the file has.
        b = good()
        b[entry + 22] = 0x7F
        XCTAssertThrowsError(try read(b)) { XCTAssertTrue($0 is DataError, "\($0)") }
        // A stored member whose sizes disagree.
        b = good(compressed: false)
        b[directory(b) + 24] &+= 1
        assertDataError(.corrupt, ["bad.npz", "declares"]) { try read(b) }
        // An entry count the directory cannot hold.
        b = good()
        b[b.count - 22 + 10] = 0xFF
        assertDataError(.corrupt, ["bad.npz", "members in a"]) { try read(b) }
    }

    func testAMemberThatIsNotNPYSaysWhich() {
        let archive = NPZFile.encode(["X": NPYArray(integers: [1])], compressed: false)
        var b = archive
        if let i = b.firstIndex(of: 0x93) { b[i] = 0x00 }  // break X.npy's magic, fix the CRC
        let entry = directory(b)
        let start = 30 + 5
        let size = Int(ZipArchive.u32(b, entry + 20))
        let crc = RawInflate.crc32(Array(b[start..<(start + size)]))
        for k in 0..<4 {
            b[entry + 16 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k))
            b[14 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k))
        }
        assertDataError(.badMagic, ["bad.npz, member X.npy", "not a .npy file"]) { try read(b) }
    }
}
