import Hummingbird
import NIOCore

/// The request context: Hummingbird's, plus the client's address for the logs.
struct ServerContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client as `ip:port`, or `-`.
    var client: String {
        guard let address = remoteAddress else { return "-" }
        return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }
}
