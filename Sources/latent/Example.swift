import ArgumentParser
import Foundation
import Latent

extension Lesson: ExpressibleByArgument {}

/// Options every example shares.
struct ExampleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory holding mnist/, fashion-mnist/ and ecg5000/.",
                               discussion: "Default: $LATENT_DATA, else ~/.cache/latent (see `latent datasets fetch`)."))
    var dataDir: String?

    @Option(help: "Directory for the run's files (default: runs/NAME-<timestamp>).")
    var out: String?

    @Option(help: "Seed for every random choice (splits, initial weights, shuffling, noise).")
    var seed: UInt64 = 0

    @Option(help: "Override the lesson's number of training epochs.")
    var epochs: Int?

    @Flag(help: "A reduced run that finishes in seconds.")
    var quick = false

    @Flag(help: "Print nothing but errors and the results (no progress, no model summaries).")
    var quiet = false

    @Option(help: "Save a training checkpoint every N epochs (under checkpoints/ in the output directory).")
    var checkpointEvery: Int?

    @Option(help: ArgumentHelp("Continue an interrupted run: the output directory of that run.",
                               discussion: "Give the same seed and options; every training resumes from its last checkpoint."))
    var resume: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1.") }
        if resume != nil, out != nil { throw ValidationError("--resume names the run's directory; leave out --out.") }
        if let resume, !FileManager.default.fileExists(atPath: URL(fileURLWithPath: resume).appendingPathComponent("checkpoints").path) {
            throw ValidationError("\(resume) holds no checkpoints/ to resume from (was the run started with --checkpoint-every?).")
        }
    }

    func settings(for lesson: Lesson) -> LessonSettings {
        var settings = LessonSettings(
            dataDirectory: dataDir.map { URL(fileURLWithPath: $0) },
            outputDirectory: (resume ?? out).map { URL(fileURLWithPath: $0) } ?? LessonSettings.defaultOutputDirectory(for: lesson.rawValue),
            seed: seed, epochs: epochs, quick: quick,
            progress: quiet ? .silent : ProgressReporter())
        settings.checkpointEvery = checkpointEvery ?? (resume != nil ? 1 : nil)
        settings.resume = resume != nil
        return settings
    }
}

extension LatentCommand {
    struct Example: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one of the lessons end to end: train, evaluate, write figures and a report.",
            discussion: Lesson.allCases.map { "  \($0.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))\($0.summary)" }
                .joined(separator: "\n"))

        @Argument(help: "The example to run.")
        var name: Lesson

        @OptionGroup var options: ExampleOptions

        func run() throws {
            try runLesson(name, options: options)
        }
    }

    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train and evaluate the ECG anomaly detector on the bundled ECG5000 data (= example ecg-anomaly).")

        @OptionGroup var options: ExampleOptions

        func run() throws {
            try runLesson(.ecgAnomaly, options: options)
        }
    }
}

func runLesson(_ lesson: Lesson, options: ExampleOptions) throws {
    let settings = options.settings(for: lesson)
    let metrics = try lesson.run(settings)
    let report = settings.outputDirectory.appendingPathComponent("report.html").path
    // The summary is the result a lesson exists to print: shown also with --quiet.
    print(LessonSummary.table(metrics))
    print("Report: \(report)")
}
