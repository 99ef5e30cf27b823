import ArgumentParser
import Foundation
import Latent

extension Lesson: ExpressibleByArgument {}

extension LatentCommand {
    struct Example: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one of the lessons end to end: train, evaluate, write figures and a report.",
            discussion: Lesson.allCases.map {
                "  \($0.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))\($0.summary)"
            }
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
            abstract: "Train and evaluate the ECG anomaly detector on the bundled ECG5000 data (= example ecg-anomaly)."
        )

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
