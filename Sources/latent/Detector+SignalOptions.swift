import ArgumentParser
import Foundation
import Latent

extension SignalDetectorConfiguration.Distance: ExpressibleByArgument {}
extension SignalDetectorConfiguration.Aggregation: ExpressibleByArgument {}
extension SignalDetectorConfiguration.ChannelScaling: ExpressibleByArgument {}

/// `detector fit --signal …`: the options of a long-signal detector.
struct SignalFitOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "The data is one long signal (a row is a time step, a column a channel): fit a sliding-window detector.",
            discussion:
                "One-column files need no header; .gz text is read transparently; non-numeric columns (a timestamp) are skipped."
        ))
    var signal = false

    @Option(help: "Signal: window length in rows (default: the period estimated from the training part).")
    var window: Int?

    @Option(help: "Signal: step between scored windows, in blocks (1: every window).")
    var stride: Int = 1

    @Option(
        help: "Signal: the anomaly-free prefix to train on, in rows (default: the whole --data file).")
    var trainRows: Int?

    @Option(
        help:
            "Signal: rows averaged into one block before windowing (default: chosen from the training length and window)."
    )
    var blockSize: Int?

    @Option(
        help: ArgumentHelp(
            "Signal: window lengths as multiples of the window, comma-separated.",
            valueName: "0.25,0.5,1,2"))
    var scales: String = "0.25,0.5,1,2"

    @Option(
        help: ArgumentHelp(
            "Signal: what windows are cut from, comma-separated: level (the signal), difference (its slope).",
            valueName: "level,difference"))
    var views: String = "level,difference"

    @Option(help: "Signal: window distance: znormalized (shape), raw (shape and level) or both.")
    var distance: SignalDetectorConfiguration.Distance = .both

    @Option(
        help:
            "Signal: channel scaling: std (training standard deviation) or persistence (slowly wandering channels count less; no effect on one channel)."
    )
    var channelScaling: SignalDetectorConfiguration.ChannelScaling = .persistence

    @Option(help: "Signal: a row's score from the windows covering it: mean or max.")
    var aggregation: SignalDetectorConfiguration.Aggregation = .mean

    @Option(help: "Signal: a column that is neither a channel nor the label (repeatable).")
    var ignoreColumn: [String] = []

    func configuration(threshold: String) throws -> SignalDetectorConfiguration {
        var c = SignalDetectorConfiguration()
        c.window = window
        c.stride = stride
        c.blockSize = blockSize
        let parsed = scales.split(separator: ",").map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--scales must be comma-separated numbers such as 0.5,1,2, not '\(scales)'.")
        }
        c.scales = parsed.map { $0! }
        let parsedViews = views.split(separator: ",").map {
            SignalView(rawValue: $0.trimmingCharacters(in: .whitespaces))
        }
        guard !parsedViews.isEmpty, parsedViews.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--views must be level, difference or level,difference, not '\(views)'.")
        }
        c.views = parsedViews.map { $0! }
        c.distance = distance
        c.channelScaling = channelScaling
        c.aggregation = aggregation
        do { c.threshold = try ThresholdRule(parsing: threshold) } catch {
            throw ValidationError("--threshold: \(error)")
        }
        do { try c.validate() } catch { throw ValidationError("\(error)") }
        if let trainRows, trainRows < 1 {
            throw ValidationError("--train-rows must be positive, not \(trainRows).")
        }
        return c
    }
}

extension SignalDetector {
    /// Checks that a signal read for scoring has the training channels.
    static func checkChannels(_ names: [String], manifest: Manifest, source: String) throws {
        guard names.count == manifest.channels.count else {
            throw ValidationError(
                "\(source) has \(names.count) channels (\(names.joined(separator: ", "))) but the detector was fitted on \(manifest.channels.count) (\(manifest.channels.joined(separator: ", "))); use --ignore-column or --label-column for the others."
            )
        }
    }
}
