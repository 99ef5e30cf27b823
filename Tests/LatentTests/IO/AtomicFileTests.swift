import XCTest

@testable import Latent

final class AtomicFileTests: XCTestCase {
    func testReplacesFilesAndDirectoriesWhole() throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("a.txt")
        try AtomicFile.write("one", to: file)
        try AtomicFile.write("two", to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "two")
        let target = dir.appendingPathComponent("d")
        try AtomicFile.writeDirectory(at: target) { try AtomicFile.write("x", to: $0.appendingPathComponent("f")) }
        try AtomicFile.writeDirectory(at: target) { try AtomicFile.write("y", to: $0.appendingPathComponent("g")) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), ["g"])
        // A failing writer leaves the old directory in place and no staging behind.
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.writeDirectory(at: target) { _ in throw Boom() })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), ["g"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.txt", "d"])
    }

    func testStaleTemporariesOfKilledWritersAreRemovedOnlyWhenOld() throws {
        let dir = try temporaryDirectory(self)
        let fm = FileManager.default
        let stale = dir.appendingPathComponent(".model.json.tmp-dead0001")
        let fresh = dir.appendingPathComponent(".model.json.tmp-live0002")
        let other = dir.appendingPathComponent(".other.json.tmp-dead0003")
        for url in [stale, fresh, other] { try Data("partial".utf8).write(to: url) }
        let hourAgo = Date().addingTimeInterval(-3600)
        for url in [stale, other] { try fm.setAttributes([.modificationDate: hourAgo], ofItemAtPath: url.path) }
        try AtomicFile.write("{}", to: dir.appendingPathComponent("model.json"))
        XCTAssertFalse(fm.fileExists(atPath: stale.path), "an hour-old temporary of the same file goes")
        XCTAssertTrue(fm.fileExists(atPath: fresh.path), "a young one may belong to a running writer")
        XCTAssertTrue(fm.fileExists(atPath: other.path), "other files' temporaries are not ours to remove")
    }
}
