import ArgumentParser

/// `tune-bench gp [seeds] [--no-timing] [problem …]`: Bayesian-optimization figures (GPBenchmark.swift).
struct GPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gp",
        abstract: "Bayesian-optimization figures: propose() time against history size, and regret against random search.",
        discussion: """
            propose() time on Hartmann-6 with 100, 300 and 1,000 observations (fresh strategy, median of 3), then \
            the simple regret after N sequential trials of tune's Bayesian strategy and of random search with the \
            same seeds (median over seeds) on \(GPBenchmark.problemNames.joined(separator: ", ")). The seed count \
            and the problem names may come in any order.
            """
    )

    /// A positional word: the seed count or a problem's name.
    enum Word: ExpressibleByArgument {
        case seeds(Int)
        case problem(String)

        init?(argument: String) {
            if let n = Int(argument) {
                guard n >= 1 else { return nil }
                self = .seeds(n)
            } else if GPBenchmark.problemNames.contains(argument) {
                self = .problem(argument)
            } else {
                return nil
            }
        }
    }

    @Argument(help: ArgumentHelp("The seed count (default 10) and the problems to run (default: all).", valueName: "seeds|problem"))
    var words: [Word] = []

    @Flag(name: .customLong("no-timing"), help: "Skip the propose() times: only the regrets.")
    var noTiming = false

    var seeds: Int { words.lazy.compactMap { if case .seeds(let n) = $0 { n } else { nil } }.first ?? 10 }
    var problems: [String] { words.compactMap { if case .problem(let name) = $0 { name } else { nil } } }

    func run() throws {
        GPBenchmark.run(seeds: seeds, timing: !noTiming, only: problems)
    }
}
