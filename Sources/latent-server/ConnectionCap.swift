import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// `--max-connections`: past the cap the server stops accepting (clients wait in the
/// kernel's backlog) and says so once in the log, rather than running out of descriptors.
struct ConnectionCap: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    var open = 0
    var warned = false

    init(_ maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open >= maximum, !warned {
            warned = true
            logger.warning(
                "connection cap reached; new connections wait until one closes",
                metadata: ["max_connections": "\(maximum)"])
        }
    }

    mutating func connectionClosed() {
        open -= 1
        if open < maximum / 2 { warned = false }
    }

    func isAcceptingNewConnections() -> Bool { open < maximum }
}

/// The shutdown deadline's backstop: once SIGTERM or SIGINT arrives, the process exits
/// after `seconds` even if a request (a client sending half a body, say) never finishes.
enum ShutdownDeadline {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func arm(after seconds: Double, logger: Logger) {
        for signalNumber in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                    logger.error("shutdown deadline passed; exiting with requests unfinished")
                    exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
