import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

/// `GET /metrics`: Prometheus text with requests, latency, rows, anomalies and loads.
final class MetricsTests: XCTestCase {
    func testMetricsCountWhatHappened() async throws {
        let x = Fixture.rows(5, seed: 21)
        var scalars = x.scalars
        for j in 0..<6 { scalars[j] = 3 }  // one clear anomaly
        let rows = Tensor(shape: [5, 6], scalars: scalars)
        let flagged = try Fixture.detector.predict(rows).filter { $0 }.count
        try await Fixture.serve { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/v2/models/tiny/infer", method: .post, body: Fixture.body(rows)) {
                    XCTAssertEqual($0.status, .ok)
                }
            }
            try await client.execute(uri: "/v2/models/nope/versions/1/ready", method: .get) {
                XCTAssertEqual($0.status, .notFound)
            }
            let text = try await client.execute(uri: "/metrics", method: .get) { reply in
                XCTAssertEqual(reply.status, .ok)
                return String(buffer: reply.body)
            }
            let lines = Set(text.split(separator: "\n").map(String.init))
            for expected in [
                #"latent_http_requests_total{route="/v2/models/{name}/infer",status="200"} 2"#,
                #"latent_http_requests_total{route="/v2/models/{name}/versions/{version}/ready",status="404"} 1"#,
                #"latent_rows_scored_total{model="tiny"} 10"#,
                #"latent_anomalies_total{model="tiny"} \#(2 * flagged)"#,
                #"latent_model_loads_total{result="ok"} 1"#,
                #"latent_requests_in_flight 1.0"#,  // this scrape
                #"latent_http_request_duration_seconds_count{route="/v2/models/{name}/infer"} 2"#,
            ] {
                XCTAssertTrue(lines.contains(expected), "missing \(expected) in\n\(text)")
            }
            XCTAssertGreaterThan(flagged, 0)
        }
    }

    func testRouteTemplatesAreBounded() {
        XCTAssertEqual(ServerMetrics.route("/v2/models/a b/infer"), "/v2/models/{name}/infer")
        XCTAssertEqual(
            ServerMetrics.route("/v2/models/x/versions/7/ready"), "/v2/models/{name}/versions/{version}/ready")
        XCTAssertEqual(ServerMetrics.route("/v2/models/x"), "/v2/models/{name}")
        XCTAssertEqual(ServerMetrics.route("/v2/repository/models/x/unload"), "/v2/repository/models/{name}/unload")
        XCTAssertEqual(ServerMetrics.route("/v2/health/ready"), "/v2/health/ready")
        XCTAssertEqual(ServerMetrics.route("/wp-admin/../../etc/passwd"), "other")
        XCTAssertEqual(ServerMetrics.route("/v2/models/x/y/z"), "other")
    }
}
