import Foundation
import XCTest

@testable import Latent

/// Downloads over HTTP from a loopback server (Python's http.server), through `curl`.
final class DownloadTests: XCTestCase {
    private var server: Process?
    private var port = 0
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory(self)
        try writeFile(Array("alpha\n".utf8), "a.txt", in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        var seen = ""
        while !seen.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let words = seen.split(separator: " ")
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            throw XCTSkip("python3 -m http.server did not start: \(seen)")
        }
        self.port = port
    }

    override func tearDown() {
        server?.terminate()
        server?.waitUntilExit()
    }

    private func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)/\(path)")! }

    func testDownloadsABodyOverHTTP() throws {
        XCTAssertEqual(try Download.data(from: url("a.txt"), maximumSize: 100), Data("alpha\n".utf8))
    }

    func testAMissingFileNamesTheStatusAndTheURL() {
        XCTAssertThrowsError(try Download.data(from: url("missing.txt"), maximumSize: 100)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("404"), text)
            XCTAssertTrue(text.contains(url("missing.txt").absoluteString), text)
        }
    }

    func testABodyLargerThanExpectedIsRefused() {
        XCTAssertThrowsError(try Download.data(from: url("a.txt"), maximumSize: 3)) { error in
            XCTAssertTrue("\(error)".contains("more than the 3"), "\(error)")
        }
    }

    func testOtherSchemesAreRefused() {
        XCTAssertThrowsError(try Download.data(from: URL(string: "ftp://127.0.0.1/a.txt")!, maximumSize: 100)) {
            error in
            XCTAssertTrue("\(error)".contains("only http, https and file"), "\(error)")
        }
    }
}
