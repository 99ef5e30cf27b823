import XCTest

@testable import Latent

/// The streaming atomic writer: the target keeps its old content until the commit, and
/// nothing but the complete file (or the old one) is ever left.
final class AtomicFileWriterTests: XCTestCase {
    func testPiecesArePublishedWholeOnCommit() throws {
        let dir = try temporaryDirectory(self)
        let target = dir.appendingPathComponent("scores.csv")
        try AtomicFile.write("old\n", to: target)
        let file = try AtomicFile.Writer(url: target)
        try file.write("index,score\n")
        try file.write(Data("0,0.5\n".utf8))
        try AtomicFile.writeAll("1,0.25\n", to: file.fileDescriptor)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "old\n", "unchanged before the commit")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2, "the old file and one temporary")
        try file.commit()
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "index,score\n0,0.5\n1,0.25\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["scores.csv"])
    }

    func testAWriterDroppedWithoutACommitLeavesTheOldFileAndNoTemporary() throws {
        let dir = try temporaryDirectory(self)
        let target = dir.appendingPathComponent("out.csv")
        try AtomicFile.write("old", to: target)
        do {
            let file = try AtomicFile.Writer(url: target)
            try file.write("half of it")
        }
        let discarded = try AtomicFile.Writer(url: target)
        try discarded.write("other half")
        discarded.discard()
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.csv"])
    }

    func testAMissingFolderIsCreatedOrReported() throws {
        let dir = try temporaryDirectory(self)
        let nested = dir.appendingPathComponent("a/b/out.txt")
        XCTAssertThrowsError(try AtomicFile.Writer(url: nested, creatingDirectories: false)) { error in
            XCTAssertEqual((error as? POSIXError)?.code, .ENOENT, "\(error)")
        }
        let file = try AtomicFile.Writer(url: nested)
        try file.write("x")
        try file.commit()
        XCTAssertEqual(try String(contentsOf: nested, encoding: .utf8), "x")
    }
}
