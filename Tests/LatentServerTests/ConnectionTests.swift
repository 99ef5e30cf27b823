import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

/// Items 2 and 3 of issue 16: idle and half-sent connections are closed, the connection
/// count is capped, and health answers while large bodies are decoded.
final class ConnectionTests: XCTestCase {
    func serve<R>(
        limits: ServerLimits = ServerLimits(), connections: ConnectionLimits,
        _ body: (LoopbackClient) async throws -> R
    ) async throws -> R {
        try await withServer(
            models: try loadModels([Fixture.directory.path], limits: limits), limits: limits,
            connections: connections, body)
    }

    func testIdleAndHalfSentConnectionsAreClosed() async throws {
        var connections = ConnectionLimits()
        connections.idleTimeout = 0.5
        try await serve(connections: connections) { client in
            let idle = try RawConnection(port: client.port)
            let halfHead = try RawConnection(port: client.port)
            halfHead.send("GET /v2/health/live HTTP/1.1\r\nHo")
            let halfBody = try RawConnection(port: client.port)
            halfBody.send("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"inputs\"")
            for (what, connection) in [("idle", idle), ("half head", halfHead), ("half body", halfBody)] {
                let (_, closed) = connection.receive(within: 4)
                XCTAssertTrue(closed, "\(what) connection still open after 4 s with a 0.5 s idle timeout")
            }
        }
    }

    func testASlowBodyGets408() async throws {
        var limits = ServerLimits()
        limits.bodyTimeout = 0.5
        var connections = ConnectionLimits()
        connections.idleTimeout = 10
        try await serve(limits: limits, connections: connections) { client in
            let slow = try RawConnection(port: client.port)
            slow.send("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            // Keep sending a byte now and then: never idle, never done.
            var text = ""
            for _ in 0..<12 {
                let (part, closed) = slow.receive(within: 0.25)
                text += part
                if closed || text.contains("\r\n\r\n") { break }
                slow.send(" ")
            }
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 408"), text)
        }
    }

    func testTheConnectionCapHoldsNewConnectionsBack() async throws {
        var connections = ConnectionLimits()
        connections.maxConnections = 2
        try await serve(connections: connections) { client in
            let first = try RawConnection(port: client.port)
            var second: RawConnection? = try RawConnection(port: client.port)
            let request = "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
            first.send(request)
            XCTAssertTrue(first.receive(within: 2).text.hasPrefix("HTTP/1.1 200"))
            second!.send(request)
            XCTAssertTrue(second!.receive(within: 2).text.hasPrefix("HTTP/1.1 200"))
            let third = try RawConnection(port: client.port)  // queued by the kernel
            third.send(request)
            XCTAssertEqual(third.receive(within: 1).text, "", "a third connection was served past a cap of 2")
            second = nil  // closes it: the third is accepted
            XCTAssertTrue(third.receive(within: 3).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    func testHealthAnswersWhileLargeBodiesAreDecoded() async throws {
        var limits = ServerLimits()
        limits.maxRows = 1 << 20
        limits.maxBodyBytes = 64 << 20
        limits.decodeConcurrency = 1
        // ~8 MiB bodies whose shape is wrong only at the end: decoded in full, then refused.
        let rows = 150_000
        var text = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"data\":["
        let row = Array(repeating: "0.123456", count: 6).joined(separator: ",")
        text += Array(repeating: row, count: rows).joined(separator: ",")
        text += "],\"shape\":[\(rows),7]}]}"
        let body = ByteBuffer(string: text)
        try await serve(limits: limits, connections: ConnectionLimits()) { client in
            let load = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            _ = try await client.execute(uri: "/v2/models/tiny/infer", method: .post, body: body) {
                                $0.status
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var worst = 0.0
            for _ in 0..<20 {
                let start = Date()
                let status = try await client.execute(uri: "/v2/health/live", method: .get) { $0.status }
                XCTAssertEqual(status, .ok)
                worst = max(worst, Date().timeIntervalSince(start))
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            try await load.value
            // Kubernetes probes time out at 1 s; the decoder once held health for 1.3–8 s.
            XCTAssertLessThan(worst, 0.5, "slowest health answer \(worst) s during four 8 MiB decodes")
        }
    }
}
