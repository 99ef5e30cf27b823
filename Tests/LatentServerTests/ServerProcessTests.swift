import Foundation
import Latent
import XCTest

@testable import latent_server

#if canImport(Glibc)
import Glibc
#endif

/// The built `latent-server` as operators run it: signals, the shutdown deadline, the log format.
final class ServerProcessTests: XCTestCase {
    /// The log ``start(_:)`` read while waiting for the port.
    var startLog = ""

    /// Starts the binary with `arguments` on a free port; returns it, its port and its stderr.
    func start(_ arguments: [String]) throws -> (Process, Int, Pipe) {
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("latent-server")
        guard FileManager.default.fileExists(atPath: process.executableURL!.path) else {
            throw XCTSkip("no latent-server binary beside the tests")
        }
        process.arguments = ["--port", "0"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // The port is in the "listening" log line.
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = Int(text[range].split(separator: ":").last!)!
                startLog = text
                return (process, port, errors)
            }
        }
        throw XCTSkip("latent-server did not start: \(text)")
    }

    func testSIGTERMWithAHalfSentBodyExitsByTheDeadline() throws {
        let (process, port, errors) = try start([
            "--shutdown-timeout", "1", "--idle-timeout", "600", Fixture.directory.path,
        ])
        let half = try RawConnection(port: port)
        half.send("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inputs\"")
        Thread.sleep(forTimeInterval: 0.3)
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, Date().timeIntervalSince(start) < 15 { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "still running 15 s after SIGTERM with --shutdown-timeout 1")
        XCTAssertLessThan(Date().timeIntervalSince(start), 8)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Every line is logfmt: ts=… level=… msg=…
        for line in log.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("ts=") && line.contains(" level=") && line.contains(" msg="), String(line))
        }
    }

    func testSIGHUPReloadsAndRefusedRequestsAreLogged() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-process-\(UUID().uuidString)")
        let dir = root.appendingPathComponent("cells")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixture.directory, to: dir)
        defer { try? FileManager.default.removeItem(at: root) }
        let (process, port, errors) = try start(["--reload-interval", "0", dir.path])
        let (rethresholded, _) = try AnomalyDetector.rethreshold(at: dir, rule: .percentile(50))
        kill(process.processIdentifier, SIGHUP)
        var seen: Float?
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let connection = try RawConnection(port: port)
            connection.send("GET /v2/models/cells HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = connection.receive(within: 2).text
            if let range = text.range(of: #""threshold":[0-9.e+-]+"#, options: .regularExpression) {
                seen = Float(text[range].split(separator: ":").last!)
                if seen == rethresholded.threshold { break }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertEqual(seen, rethresholded.threshold, "SIGHUP did not reload the re-thresholded directory")
        let refused = try RawConnection(port: port)
        let longName = String(repeating: "x", count: 500)
        refused.send("GET /v2/models/\(longName) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(refused.receive(within: 2).text.hasPrefix("HTTP/1.1 404"))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let line = log.split(separator: "\n").first { $0.contains("msg=refused") && $0.contains("status=404") }
        XCTAssertNotNil(line, log)
        XCTAssertTrue(line?.contains("client=127.0.0.1:") ?? false, String(line ?? ""))
        XCTAssertFalse(line?.contains(String(repeating: "x", count: 300)) ?? true, "the echoed path was not cut")
    }

    /// `--grpc-port`: both servers up, and SIGTERM stops both.
    func testSIGTERMStopsHTTPAndGRPC() throws {
        let (process, port, errors) = try start(["--grpc-port", "0", Fixture.directory.path])
        // The gRPC address is logged once its listener is up (after the HTTP one, or before).
        var text = startLog
        var grpcPort: Int?
        let deadline = Date().addingTimeInterval(30)
        while grpcPort == nil, Date() < deadline {
            if let range = text.range(of: #"grpc_address=127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                grpcPort = Int(text[range].split(separator: ":").last!)
                break
            }
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let grpc = try XCTUnwrap(grpcPort, "no grpc_address in the log: \(text)")
        XCTAssertNotEqual(grpc, port)
        _ = try RawConnection(port: grpc)  // accepts connections
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, Date().timeIntervalSince(start) < 15 { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "still running 15 s after SIGTERM")
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertThrowsError(try RawConnection(port: grpc), "the gRPC port still accepts connections")
    }

    func testLogfmtQuoting() {
        XCTAssertEqual(LogfmtHandler.quote("plain"), "plain")
        XCTAssertEqual(LogfmtHandler.quote("two words"), "\"two words\"")
        XCTAssertEqual(LogfmtHandler.quote("a=\"b\"\n"), #""a=\"b\"\n""#)
        XCTAssertEqual(LogfmtHandler.quote(""), "\"\"")
    }
}
