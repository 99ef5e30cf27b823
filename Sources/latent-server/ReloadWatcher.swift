import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// Reloads served models whose directories change: polls each one's `detector.json`
/// (and the directory itself) every `interval` seconds, and reloads every model on SIGHUP.
/// A reload that fails keeps the model served before.
struct ReloadWatcher: Service {
    let registry: ModelRegistry
    /// Seconds between polls; 0 polls never (SIGHUP still reloads).
    let interval: Double
    let logger: Logger

    func run() async throws {
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self)
        #if !os(Windows)
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        #endif
        let registry = self.registry
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups {
                        let names = await registry.reloadChanged(force: true)
                        logger.info("SIGHUP: reloaded", metadata: ["models": "\(names.joined(separator: ","))"])
                    }
                }
                if interval > 0 {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                            await registry.reloadChanged()
                        }
                    }
                }
                await group.waitForAll()
            }
        }
        continuation.finish()
    }
}
