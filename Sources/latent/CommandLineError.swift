import ArgumentParser
import Foundation
import Latent

/// An error shown to a person at the command line: `Error: <text>` on standard error and
/// exit status 1, without the usage text (that is for mistakes in the arguments).
struct CommandLineError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// `error` in the command line's words (see ``CommandLineWords``).
    init(_ error: Error, in command: ParsableCommand? = nil) {
        description = CommandLineWords.describe(error, in: command)
    }
}

/// The one place where the library's errors are put in the words of the command line.
///
/// The library speaks to Swift callers (`CSVOptions.nonFiniteValues = .skipRow`,
/// `DatasetFetcher().fetch(.mnist)`, `.first`); a person at a terminal needs the flag or
/// command to type (`--skip-non-finite`, `latent datasets fetch mnist`, `--label-column
/// first`). The library keeps its words; the translation happens here, when an error
/// leaves a command.
enum CommandLineWords {
    /// The text to show for `error` raised while running `command`.
    static func describe(_ error: Error, in command: ParsableCommand? = nil) -> String {
        var text: String
        switch error {
        case let error as CommandLineError:
            return error.description
        case var error as DataError:
            if error.kind == .nonNumeric, case .cell(_, let column, _) = error.location {
                error.remedy =
                    "Fix the cell; or, if column \(column - 1) (zero-based) holds labels, give "
                    + "--label-column \(column - 1) with --normal-label VALUE."
            }
            text = error.description
        case let error as DetectorError:
            text = error.description
            if case .insufficientData(let message) = error, settingThreshold(command) {
                text = "Cannot set the threshold: \(message)."
            }
        case let error as CocoaError:
            let path =
                (error.userInfo[NSFilePathErrorKey] as? String) ?? error.errorUserInfo[NSFilePathErrorKey] as? String
            let reason = (error.userInfo[NSUnderlyingErrorKey] as? NSError).map {
                String(cString: strerror(Int32($0.code)))
            }
            return "Cannot write \(path ?? "the output")" + (reason.map { ": \($0)" } ?? "") + "."
        default:
            text = "\(error)"
        }
        for (library, commandLine) in replacements {
            text = text.replacingOccurrences(of: library, with: commandLine)
        }
        for (field, flag) in flags {
            text = text.replacingOccurrences(of: "`\(field)`", with: flag)
        }
        return replacingFetchCalls(text)
    }

    /// Whether `error` comes from the library (and is shown in the command line's words);
    /// argument-parser errors, thrown also by `run()` for `help`, are not.
    static func isLibraryError(_ error: Error) -> Bool {
        let type = String(reflecting: Swift.type(of: error))
        return !type.hasPrefix("ArgumentParser.")
    }

    /// Whether `command` sets a threshold rather than fitting (threshold, score --rule).
    static func settingThreshold(_ command: ParsableCommand?) -> Bool {
        command is LatentCommand.Detector.Threshold || command is LatentCommand.Detector.Score
    }

    /// Library phrases and the command line's words for them (before ``flags``).
    static let replacements: [(String, String)] = [
        (
            "or use .first or .last",
            "or --label-column first or last (negative indices count from the end: -1 is the last column)"
        ),
        (
            "read with CSVOptions.nonFiniteValues = .skipRow to leave such rows out",
            "give --skip-non-finite to leave such rows out"
        ),
        (
            "read with skippingNonFiniteRows: true to leave such rows out",
            "give --skip-non-finite to leave such rows out"
        ),
        (
            "or raise CSVOptions.maximumLineLength.",
            "(a line may hold at most 16 MB)."
        ),
        ("Set CSVOptions.labelColumn when reading.", "Give --label-column N|NAME|first|last."),
        (
            "Check the path, or fetch the dataset first (see DatasetFetcher).",
            "Check the path, or fetch the dataset first (`latent datasets fetch NAME`)."
        ),
        ("Write the file with numpy.save, or with NPYFile.write.", "Write the file with numpy.save."),
        (
            "Use tensor() for float arrays, or save the labels as an integer type.",
            "Save the labels as an integer type."
        ),
        (
            "or use ECG5000.load(from:) with a downloaded ecg.csv",
            "or fit a detector on a downloaded ecg.csv with `latent detector fit --data ecg.csv --label-column last --normal-label 1 --out DIR`"
        ),
        ("or pass the directory explicitly.", "or give --data-dir DIR."),
        ("Read it with the tabs delimiter.", "Use --format tsv."),
        ("Read it with the commas delimiter.", "Use --format csv."),
        (
            "Read it with the semicolons delimiter.",
            "Leave out --format: semicolon-separated files are then detected."
        ),
        ("(`isNormal` false)", "(with --label-column and --normal-label)"),
        (
            "fit it with `isNormal` false for the anomalies of data that holds some",
            "fit it with --label-column and --normal-label on data that holds anomalies"
        ),
    ]

    /// The fields library errors name in backticks (`` `validationFraction` ``), and the
    /// flags that set them; fields no flag sets are named in words.
    static let flags: [(field: String, flag: String)] = [
        ("model", "--model"), ("hidden", "--hidden"), ("loss", "--loss"), ("epochs", "--epochs"),
        ("batchSize", "--batch-size"), ("seed", "--seed"), ("threshold", "--threshold"),
        ("validationFraction", "--validation-fraction"), ("scaler", "--scaler"),
        ("minimumSteps", "--minimum-steps"), ("constantColumnScale", "--constant-scale"),
        ("isNormal", "--normal-label"),
        ("patience", "the patience"), ("earlyStoppingFraction", "the early-stopping fraction"),
        ("learningRate", "the learning rate"), ("klWeight", "the KL weight"),
    ]

    /// `DatasetFetcher().fetch(.fashionMNIST)` → `latent datasets fetch fashion-mnist`.
    static func replacingFetchCalls(_ text: String) -> String {
        var text = text
        let names = ["fashionMNIST": "fashion-mnist", "mnist": "mnist", "ecg5000": "ecg5000"]
        for (swift, cli) in names {
            text = text.replacingOccurrences(
                of: "DatasetFetcher().fetch(.\(swift))", with: "`latent datasets fetch \(cli)`")
        }
        return text
    }
}

extension LatentCommand {
    /// Runs the command, showing errors from the library in the command line's words.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            // The parser's own errors (help, usage, exit codes) pass through as they are.
            exit(withError: CommandLineWords.isLibraryError(error) ? CommandLineError(error, in: command) : error)
        }
    }
}
