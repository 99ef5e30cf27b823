import ArgumentParser
import Foundation
import Latent

extension LatentCommand.Detector.Fit {
    /// `detector fit --signal`: fits a ``SignalDetector`` on the first --train-rows rows.
    func runSignal() throws {
        let configuration = try signal.configuration(threshold: threshold ?? "fpr:0.05")
        let file = try Signal.read(
            URL(fileURLWithPath: data), labelColumn: labels.labelColumn,
            ignoredColumns: signal.ignoreColumn)
        let rows = file.signal.rows
        let trainRows = signal.trainRows ?? rows
        guard trainRows <= rows else {
            throw ValidationError("--train-rows \(trainRows) is more than the \(rows) rows of \(data).")
        }
        if !quiet {
            note(
                "Read \(data): \(rows) rows × \(file.signal.channels) channels (\(file.signal.names.joined(separator: ", "))); training on rows 0..<\(trainRows)."
            )
        }
        let start = Date()
        let detector = try SignalDetector.fit(
            file.signal.rows(0..<trainRows), configuration: configuration)
        let outURL = URL(fileURLWithPath: out)
        try detector.save(to: outURL, source: data)
        print(
            "Window \(detector.window) rows: \(detector.period.method)"
                + (detector.period.autocorrelation > 0
                    ? String(format: ", autocorrelation %.2f", detector.period.autocorrelation) : "")
                + ".")
        print(
            "Blocks of \(detector.blockSize) rows; windows \(detector.windows.map { "\($0 * detector.blockSize)" }.joined(separator: ", ")) rows (scales \(configuration.scales.map { "\($0)" }.joined(separator: ", "))) of the \(configuration.views.map(\.rawValue).joined(separator: " and ")), \(configuration.distance.rawValue) distance to the nearest training window, \(configuration.aggregation.rawValue) over covering windows"
                + (detector.channelNames.count > 1
                    ? "; channels scaled by \(configuration.channelScaling.rawValue)." : ".")
        )
        print(
            "Threshold \(configuration.threshold) = \(detector.threshold) from \(detector.calibration.count) calibration blocks (held-out training tail)."
        )
        print(String(format: "Detector: %@ (%.1f s)", outURL.path, Date().timeIntervalSince(start)))
    }
}
