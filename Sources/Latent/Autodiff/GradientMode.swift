/// Whether operations record a gradient graph on the current task or thread.
public enum GradientMode {
    @TaskLocal static var recordingEnabled = true

    /// True while operations record their inputs for ``Tensor/backward()``.
    public static var isRecording: Bool { recordingEnabled }
}

/// Runs `body` without recording gradient graphs: for inference, evaluation and
/// parameter updates, where the graph would only cost memory and time.
@discardableResult
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$recordingEnabled.withValue(false, operation: body)
}
