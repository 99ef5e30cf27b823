import Foundation

/// Shows training progress on standard error: a live bar on a terminal, one plain line
/// per epoch otherwise (logs, pipes, CI), nothing when silent.
public struct ProgressReporter: Sendable {
    public enum Style: Sendable { case automatic, bar, lines, silent }

    let style: Style
    private let clock = RedrawClock()

    public init(style: Style = .automatic) {
        if style == .automatic {
            self.style = isatty(STDERR_FILENO) != 0 ? .bar : .lines
        } else {
            self.style = style
        }
    }

    public static let silent = ProgressReporter(style: .silent)

    /// Whether anything is shown.
    public var isVisible: Bool { style != .silent }

    func step(epoch: Int, of epochs: Int, step: Int, of steps: Int, loss: Float) {
        // Redraw at most ten times a second (and always on the last step): a fast epoch has
        // thousands of steps, and a redraw per step would cost more than the step.
        guard style == .bar, step == steps || clock.due() else { return }
        let width = 30
        let filled = steps > 0 ? width * step / steps : width
        let bar = String(repeating: "━", count: filled) + String(repeating: "─", count: width - filled)
        write("\r\u{1B}[2KEpoch \(epoch)/\(epochs) \(bar) \(step)/\(steps)  loss \(format(loss))")
    }

    func epochEnded(_ record: EpochRecord, of epochs: Int, steps: Int) {
        guard style != .silent else { return }
        var text = "Epoch \(record.epoch)/\(epochs)  \(steps) steps  loss \(format(record.loss))"
        if let v = record.validationLoss { text += "  val_loss \(format(v))" }
        text += String(format: "  %.1fs  %.0f samples/s", record.seconds, record.samplesPerSecond)
        write((style == .bar ? "\r\u{1B}[2K" : "") + text + "\n")
    }

    func message(_ text: String) {
        guard style != .silent else { return }
        write(text + "\n")
    }

    private func format(_ x: Float) -> String { String(format: "%.5g", x) }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Remembers when the progress bar was last drawn.
private final class RedrawClock: @unchecked Sendable {
    private var last: UInt64 = 0

    func due(interval: UInt64 = 100_000_000) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last >= interval else { return false }
        last = now
        return true
    }
}
