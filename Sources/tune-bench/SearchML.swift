import Foundation
import TuneCore

/// `tune-bench search --ml`: the two scikit-learn problems of shared/bench (svc_digits, gbm_cancer)
/// end to end through the real `tune`, beside the peers' median best CV error.
///
/// Each seed is a real 50-trial job (`python3 trials/<problem>.py`, about 1–2 s a trial), so this
/// takes minutes; the trial scripts need scikit-learn (they re-exec with `<bench>/.venv/bin/python`
/// when the calling python3 has none; see shared/bench/README.md). Default: 5 seeds, as the peers.
enum SearchML {
    static let problems = ["svc_digits", "gbm_cancer"]

    static func run(_ options: SearchBenchmark.Options) throws {
        let tune = try BenchCommand.tuneBesideBench()
        let bench = URL(fileURLWithPath: options.benchDir).standardizedFileURL.path
        let seeds = options.seeds ?? 5
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-ml-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chosen = options.problems.map { names in problems.filter(names.contains) } ?? problems

        print("scikit-learn problems end to end through \(tune), \(seeds) seeds, median best objective (3-fold CV error) after each job")
        for problem in chosen {
            guard let configText = try? String(contentsOfFile: bench + "/configs/\(problem).yml", encoding: .utf8) else {
                throw BenchError("no configs/\(problem).yml under \(bench): give the bench folder with --bench-dir")
            }
            let budget =
                configText.range(of: "maxTrials:").flatMap { r in
                    Int(configText[r.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces))
                } ?? 50
            print("")
            print("| \(problem) | seed | best | wall s |")
            print("|---|---|---|---|")
            var results: [String: [Double]] = [:]
            for choice in options.strategies {
                for seed in 0..<seeds {
                    let job = "\(problem)-\(choice.rawValue)-s\(seed)"
                    let config = folder + "/\(job).yml"
                    try SearchCLI.configCopy(configText, seed: seed, algorithm: choice.algorithm).write(toFile: config, atomically: true, encoding: .utf8)
                    let wall = try SearchCLI.execute(
                        [
                            tune, "run", "-q", "--config", config, "--store", folder + "/store", "--job", job,
                            "--", "python3", "trials/\(problem).py",
                        ], in: bench, output: folder + "/\(job).run.log")
                    _ = try SearchCLI.execute([tune, "trials", job, "--format", "json", "--store", folder + "/store"], in: bench, output: folder + "/\(job).json")
                    let trials = try SearchCLI.readTrials(folder + "/\(job).json", job: job, log: folder + "/\(job).run.log")
                    guard let best = trials.map(\.value).min() else { throw BenchError("\(job): no successful trial") }
                    results[choice.label, default: []].append(best)
                    print("| \(choice.label) | \(seed) | \(PeerTable.fmt(best)) | \(PeerTable.fmt(wall, 3)) |")
                }
            }
            print("")
            print("| \(problem), N=\(budget) | seeds | median best |")
            print("|---|---|---|")
            if let peers = try PeerFile.load(resultsDirectory: bench + "/results", problem: problem) {
                for peer in Array(Set(peers.runs.map(\.peer))).sorted() {
                    let finals = peers.runs.filter { $0.peer == peer && $0.budget == budget }.compactMap(\.best_so_far.last)
                    guard !finals.isEmpty else { continue }
                    print("| \(peer) | \(finals.count) | \(PeerTable.fmt(Stats.median(finals))) |")
                }
            }
            for choice in options.strategies {
                let values = results[choice.label] ?? []
                print("| **\(choice.label)** | \(values.count) | \(PeerTable.fmt(Stats.median(values))) |")
            }
        }
    }
}
