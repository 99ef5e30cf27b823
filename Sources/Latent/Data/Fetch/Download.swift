import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetching one URL into memory: `file:` URLs from disk, `http(s):` with `URLSession`.
enum Download {
    /// The body at `url`, refusing more than `maximumSize` bytes.
    /// - Throws: ``DataError`` `.downloadFailed` naming the URL.
    static func data(from url: URL, maximumSize: Int, timeout: TimeInterval = 120) throws -> Data {
        let data: Data
        if url.isFileURL {
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw failure(url, "it could not be read (\(error.localizedDescription))")
            }
        } else {
            data = try http(url, timeout: timeout)
        }
        guard data.count <= maximumSize else {
            throw failure(url, "it is \(data.count) bytes, more than the \(maximumSize) expected")
        }
        return data
    }

    private static func http(_ url: URL, timeout: TimeInterval) throws -> Data {
        final class Outcome: @unchecked Sendable {
            var result: Result<Data, Error> = .failure(URLError(.unknown))
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: url) { body, response, error in
            if let error {
                outcome.result = .failure(error)
            } else if let http = response as? HTTPURLResponse,
                !(200..<300).contains(http.statusCode)
            {
                outcome.result = .failure(
                    failure(url, "the server answered HTTP \(http.statusCode)"))
            } else {
                outcome.result = .success(body ?? Data())
            }
            done.signal()
        }
        task.resume()
        done.wait()
        do {
            return try outcome.result.get()
        } catch let error as DataError {
            throw error
        } catch {
            throw failure(url, "the request failed (\(error.localizedDescription))")
        }
    }

    static func failure(_ url: URL, _ message: String) -> DataError {
        DataError(
            .downloadFailed, file: url.absoluteString, message: message,
            remedy:
                "Check the network connection and the URL, or download the file by hand into the data directory."
        )
    }
}
