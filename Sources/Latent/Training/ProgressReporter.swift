import Foundation

/// Shows training progress on standard error: a live bar on a terminal, plain lines
/// otherwise (logs, pipes, CI), nothing when silent. Every trainer in Latent (the lessons,
/// the LeNet scorer, `latent detector fit`) reports through it, so progress reads the same
/// everywhere:
///
/// ```text
/// decoder  Epoch 3/10  loss 0.01234  val_loss 0.01345  elapsed 4.1s  ETA 9.6s
/// ```
///
/// The model's name leads each line when set (lessons train several models). With many
/// short epochs (more than 20) a terminal shows one bar over the epochs, redrawn in place,
/// and plain lines are thinned to about 20 a run (and at least one every 10 seconds).
/// Losses show 4 significant digits.
public struct ProgressReporter: Sendable {
    public enum Style: Sendable { case automatic, bar, lines, silent }

    let style: Style
    /// Leads every line: the model being trained (`"encoder"`, `"LeNet"`), or `nil`.
    public var model: String?
    private var clock = RedrawClock()

    public init(style: Style = .automatic, model: String? = nil) {
        if style == .automatic {
            self.style = isatty(STDERR_FILENO) != 0 ? .bar : .lines
        } else {
            self.style = style
        }
        self.model = model
    }

    public static let silent = ProgressReporter(style: .silent)

    /// Whether anything is shown.
    public var isVisible: Bool { style != .silent }

    /// Whether progress is redrawn in place (a terminal).
    public var isBar: Bool { style == .bar }

    /// This reporter with `model` leading its lines, and its own clock (elapsed time and
    /// ETA count from this model's first epoch).
    public func named(_ model: String?) -> ProgressReporter {
        var copy = self
        copy.model = model
        copy.clock = RedrawClock()
        return copy
    }

    func step(epoch: Int, of epochs: Int, step: Int, of steps: Int, loss: Float) {
        // Redraw at most ten times a second (and always on the last step): a fast epoch has
        // thousands of steps, and a redraw per step would cost more than the step.
        guard style == .bar, epochs <= Self.manyEpochs, step == steps || clock.due() else { return }
        if epoch == 1 && step == 1 { clock.start() }
        write(
            "\r\u{1B}[2K\(prefix)Epoch \(epoch)/\(epochs) \(bar(step, steps)) \(step)/\(steps)  loss \(Self.loss(loss))"
        )
    }

    /// Reports a finished epoch: a line (thinned when there are many epochs), or the
    /// in-place bar over the epochs.
    /// - Parameters:
    ///   - epochs: the most epochs the run can take.
    ///   - mayStopEarly: whether early stopping can end it sooner (the ETA is then an
    ///     upper bound, shown as `ETA ≤ …`).
    public func epochEnded(
        _ record: EpochRecord, of epochs: Int, steps: Int, mayStopEarly: Bool = false
    ) {
        guard style != .silent else { return }
        if record.epoch == 1 { clock.startIfNeeded(subtracting: record.seconds) }
        let elapsed = clock.elapsed
        var text = "Epoch \(record.epoch)/\(epochs)"
        let numbers =
            "  loss \(Self.loss(record.loss))"
            + (record.validationLoss.map { "  val_loss \(Self.loss($0))" } ?? "")
            + "  elapsed \(Self.duration(elapsed))"
            + (record.epoch < epochs
                ? "  ETA \(mayStopEarly ? "≤ " : "")\(Self.duration(elapsed / Double(record.epoch) * Double(epochs - record.epoch)))"
                : "")
        let last = record.epoch == epochs
        if epochs > Self.manyEpochs {
            if style == .bar {
                guard last || clock.due() else { return }
                write("\r\u{1B}[2K\(prefix)\(text) \(bar(record.epoch, epochs))\(numbers)")
                return
            }
            let due = clock.lineDue(epoch: record.epoch, every: epochs / Self.manyEpochs)
            guard record.epoch == 1 || last || due else { return }
        } else {
            text += "  \(steps) steps"
        }
        write((style == .bar ? "\r\u{1B}[2K" : "") + prefix + text + numbers + "\n")
    }

    /// Ends an in-place bar (a run stopped early leaves it mid-line).
    public func finish() {
        guard style == .bar, clock.hasDrawn else { return }
        write("\n")
    }

    /// A line of its own (a note between epochs), under the model's name.
    public func message(_ text: String) {
        guard style != .silent else { return }
        write((style == .bar ? "\r\u{1B}[2K" : "") + prefix + text + "\n")
    }

    /// Epoch counts above this get one bar over the epochs (terminal) or thinned lines.
    static let manyEpochs = 20

    /// A loss with 4 significant digits.
    public static func loss(_ x: Float) -> String { String(format: "%#.4g", x) }

    /// `0.8s`, `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, s % 3600 / 60)
    }

    private var prefix: String { model.map { "\($0)  " } ?? "" }

    private func bar(_ done: Int, _ total: Int) -> String {
        let width = 30
        let filled = total > 0 ? width * min(done, total) / total : width
        return String(repeating: "━", count: filled) + String(repeating: "─", count: width - filled)
    }

    private func write(_ text: String) {
        if style == .bar { clock.hasDrawn = !text.hasSuffix("\n") }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Remembers when the run started, and when the bar or a line was last shown.
private final class RedrawClock: @unchecked Sendable {
    private var last: UInt64 = 0
    private var lastLine: UInt64 = DispatchTime.now().uptimeNanoseconds
    private var lastLineEpoch = 0
    private var started: UInt64?
    var hasDrawn = false

    private var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    func start() { started = now }

    /// Starts the clock at the first epoch's end, back-dated by its duration.
    func startIfNeeded(subtracting seconds: Double) {
        if started == nil { started = now &- UInt64(max(0, seconds) * 1e9) }
    }

    var elapsed: Double { started.map { Double(now &- $0) / 1e9 } ?? 0 }

    func due(interval: UInt64 = 100_000_000) -> Bool {
        let now = self.now
        guard now - last >= interval else { return false }
        last = now
        return true
    }

    /// Whether a thinned line is due: `every` epochs, or 10 seconds, since the last one.
    func lineDue(epoch: Int, every: Int) -> Bool {
        let now = self.now
        let since = now > lastLine ? now - lastLine : 0
        guard epoch - lastLineEpoch >= max(1, every) || since >= 10_000_000_000 else {
            return false
        }
        (lastLine, lastLineEpoch) = (now, epoch)
        return true
    }
}
