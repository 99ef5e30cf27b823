import Foundation

/// How to run one of the lessons (``Lesson``).
public struct LessonSettings: Sendable {
    /// Holds `mnist/`, `fashion-mnist/` and `ecg5000/`; `nil` means ``DataDirectory/root(environment:)``
    /// (the `LATENT_DATA` variable, else the user cache directory).
    public var dataDirectory: URL?
    /// Where the run's files go.
    public var outputDirectory: URL
    /// The one seed every random choice of the run flows from.
    public var seed: UInt64
    /// Overrides the lesson's number of epochs.
    public var epochs: Int?
    /// A reduced run that finishes in seconds (for tests and a first look).
    public var quick: Bool
    /// Training progress on standard error.
    public var progress: ProgressReporter
    /// Save a training checkpoint every this many epochs under `checkpoints/` in the output directory.
    public var checkpointEvery: Int?
    /// Continue each training from its checkpoint in the output directory, when there is one.
    public var resume = false

    public init(
        dataDirectory: URL? = nil, outputDirectory: URL, seed: UInt64 = 0, epochs: Int? = nil,
        quick: Bool = false, progress: ProgressReporter = ProgressReporter()
    ) {
        self.dataDirectory = dataDirectory
        self.outputDirectory = outputDirectory
        self.seed = seed
        self.epochs = epochs
        self.quick = quick
        self.progress = progress
    }

    /// Training options for one of the lesson's trainings, with its checkpoint directory.
    func trainingOptions(_ name: String, epochs: Int, batchSize: Int) -> TrainingOptions {
        // Lines name the model: a lesson trains several, one after another.
        var options = TrainingOptions(
            epochs: epochs, batchSize: batchSize, progress: progress.named(name))
        options.checkpointEvery = checkpointEvery
        options.checkpointDirectory = outputDirectory.appendingPathComponent("checkpoints").appendingPathComponent(name)
        options.resume = resume
        return options
    }

    /// The number of epochs to train: the override, else `full` or `quick`.
    func epochs(full: Int, quick quickEpochs: Int) -> Int { epochs ?? (quick ? quickEpochs : full) }

    /// `runs/NAME-YYYYMMDD-HHMMSS` under the current directory.
    public static func defaultOutputDirectory(for lesson: String, date: Date = Date()) -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return URL(fileURLWithPath: "runs").appendingPathComponent("\(lesson)-\(formatter.string(from: date))")
    }
}
