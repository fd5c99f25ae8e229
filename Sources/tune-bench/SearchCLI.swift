import Foundation
import TuneCore

/// `tune-bench search --cli`: branin end to end through the real `tune` built beside tune-bench.
///
/// For each strategy and seed: a copy of <bench>/configs/branin.yml with `seed: <s>` (and the
/// strategy's `algorithm:`) added, `tune run -q --config <copy> --store <temp> --job <name> --
/// python3 trials/branin.py` from the bench folder, then `tune trials <name> --format json`;
/// the objectives in trial-id order give the regret. tune's own seconds are not reported by the
/// CLI, so they are estimated as wall − Σ(trial end − trial start): launch, parsing and journal
/// writes included. Each run is compared with the in-process run of the same seed, which must
/// give the same objectives (the same strategy, trial ids and function).
enum SearchCLI {
    static func run(_ options: SearchBenchmark.Options) throws {
        let tune = try BenchCommand.tuneBesideBench()
        let bench = URL(fileURLWithPath: options.benchDir).standardizedFileURL.path
        let configPath = bench + "/configs/branin.yml"
        guard let configText = try? String(contentsOfFile: configPath, encoding: .utf8),
            FileManager.default.fileExists(atPath: bench + "/trials/branin.py")
        else {
            throw BenchError("no configs/branin.yml and trials/branin.py under \(bench): give the bench folder with --bench-dir")
        }
        let problem = BenchProblems.branin
        let seeds = options.seeds ?? 3
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-search-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/store"

        print("end to end: \(tune) on \(configPath), `python3 trials/branin.py` run from \(bench), \(seeds) seed\(seeds == 1 ? "" : "s")")
        print("(tune s/trial = (wall − Σ trial wall) / N: tune's own time including launching and reading each trial)")
        print("")
        print("| strategy | seed | trials | final best | simple regret | regret @N/2 | wall s | Σ trial s | tune s/trial | same as in process |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        var summaries: [String] = []
        var notes: [String] = []
        for choice in options.strategies {
            var runs: [RunRecord] = []
            var local: [RunRecord] = []
            for seed in 0..<seeds {
                let job = "branin-\(choice.rawValue)-s\(seed)"
                let config = folder + "/\(job).yml"
                try configCopy(configText, seed: seed, algorithm: choice.algorithm).write(toFile: config, atomically: true, encoding: .utf8)
                let wall = try execute(
                    [tune, "run", "-q", "--config", config, "--store", store, "--job", job, "--", "python3", "trials/branin.py"],
                    in: bench, output: folder + "/\(job).run.log")
                _ = try execute([tune, "trials", job, "--format", "json", "--store", store], in: bench, output: folder + "/\(job).json")
                let trials = try readTrials(folder + "/\(job).json", job: job, log: folder + "/\(job).run.log")
                let trialSeconds = trials.reduce(0) { $0 + $1.seconds }
                let n = trials.count
                let run = RunRecord(
                    seed: seed, values: trials.map(\.value),
                    optSecondsPerTrial: Array(repeating: max(0, wall - trialSeconds) / Double(max(n, 1)), count: n), wallSeconds: wall)
                runs.append(run)
                let (inProcess, note) = try SearchBenchmark.runOnce(problem, choice, seed: seed)
                local.append(inProcess)
                if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                let same = zip(run.values, inProcess.values).filter { $0 == $1 }.count
                let sameText =
                    same == n && n == inProcess.values.count
                    ? "yes (\(n)/\(n) objectives identical)"
                    : "NO: \(same) of \(n) identical (max |Δ| \(PeerTable.fmt(zip(run.values, inProcess.values).map { abs($0 - $1) }.max())))"
                let bsf = run.bestSoFar
                let half = n >= 2 ? PeerTable.fmt(bsf[n / 2 - 1] - problem.optimum) : "-"
                print(
                    "| \(choice.label) | \(seed) | \(n) | \(PeerTable.fmt(bsf.last)) | \(PeerTable.fmt(bsf.last.map { $0 - problem.optimum })) | \(half) | "
                        + "\(PeerTable.fmt(wall, 3)) | \(PeerTable.fmt(trialSeconds, 3)) | \(PeerTable.fmt((wall - trialSeconds) / Double(max(n, 1)), 3)) | \(sameText) |")
                guard n == problem.budget else {
                    throw BenchError("\(job): \(n) succeeded trials, expected \(problem.budget); see `tune trials \(job) --store \(store)`")
                }
            }
            let cli = Stats.median(runs.map { $0.bestSoFar[problem.budget - 1] - problem.optimum })
            let mine = Stats.median(local.map { $0.bestSoFar[problem.budget - 1] - problem.optimum })
            let wall = Stats.median(runs.map(\.wallSeconds))
            summaries.append(
                "\(choice.label) through the CLI: median regret \(PeerTable.fmt(cli)) over \(seeds) seed\(seeds == 1 ? "" : "s") (in process, same seeds: \(PeerTable.fmt(mine))); "
                    + "median wall \(PeerTable.fmt(wall, 3)) s per \(problem.budget)-trial run, \(PeerTable.fmt(wall / Double(problem.budget), 3)) s per trial")
            if let out = options.out {
                try TuneResultFile.write(runs, parallel: 1, to: "\(out)/cli-\(choice.rawValue)/branin.json")
            }
        }
        print("")
        for line in summaries { print(line) }
        for note in notes { print("note: " + note) }
        if let baseline = launchBaseline(options.resultsDir) {
            print("baseline: xargs -P 1 over python3 trials/branin.py, \(PeerTable.fmt(baseline, 3)) s per trial (results/launch_throughput.tsv)")
        }
        if let out = options.out {
            print("wrote \(options.strategies.map { "\(out)/cli-\($0.rawValue)/branin.json" }.joined(separator: ", "))")
        }
    }

    /// The config with `seed:` and `algorithm:` set under `hyperparameters:` (or at the top of a flat config).
    static func configCopy(_ text: String, seed: Int, algorithm: Algorithm) -> String {
        var lines = text.components(separatedBy: "\n").filter {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return !t.hasPrefix("seed:") && !t.hasPrefix("algorithm:")
        }
        var at = 0
        var indent = ""
        if let h = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "hyperparameters:" }) {
            at = h + 1
            if let next = lines[at...].first(where: {
                let t = $0.trimmingCharacters(in: .whitespaces)
                return !t.isEmpty && !t.hasPrefix("#")
            }) {
                indent = String(next.prefix { $0 == " " })
            }
        }
        lines.insert(contentsOf: ["\(indent)seed: \(seed)", "\(indent)algorithm: \(algorithm.rawValue)"], at: at)
        return lines.joined(separator: "\n")
    }

    struct Trial {
        var id: Int
        var value: Double
        var seconds: Double
    }

    /// One HyperparameterOutput object of `tune trials --format json`, the fields used here.
    struct TrialOutput: Decodable {
        struct Metric: Decodable {
            var objectiveValue: Double

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                // tune writes a non-finite objective as a string ("inf", "nan").
                if let x = try? c.decode(Double.self, forKey: .objectiveValue) {
                    objectiveValue = x
                } else {
                    objectiveValue = Double(try c.decode(String.self, forKey: .objectiveValue)) ?? .nan
                }
            }

            enum CodingKeys: String, CodingKey { case objectiveValue }
        }

        var trialId: String
        var state: String
        var finalMetric: Metric?
        var startTime: String?
        var endTime: String?
    }

    /// `tune trials --format json` (best first) → succeeded trials in id order. JSONDecoder, not
    /// JSONSerialization: on Linux the latter gives long numbers as NSDecimalNumber, whose
    /// doubleValue can be off by an ulp, and the values are compared exactly with the in-process run.
    static func readTrials(_ path: String, job: String, log: String) throws -> [Trial] {
        let outputs: [TrialOutput]
        do {
            outputs = try JSONDecoder().decode([TrialOutput].self, from: FileManager.default.contents(atPath: path) ?? Data())
        } catch {
            throw BenchError("\(job): cannot read `tune trials --format json` (\(path)): \(error)")
        }
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var trials: [Trial] = []
        for output in outputs {
            guard let id = Int(output.trialId), output.state == "SUCCEEDED", let value = output.finalMetric?.objectiveValue,
                let start = output.startTime.flatMap(dates.date(from:)), let end = output.endTime.flatMap(dates.date(from:))
            else {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
                throw BenchError("\(job): trial \(output.trialId) is \(output.state) without a usable objective\n\(tail)")
            }
            trials.append(Trial(id: id, value: value, seconds: end.timeIntervalSince(start)))
        }
        return trials.sorted { $0.id < $1.id }
    }

    /// Runs `arguments` in `folder` with stdout and stderr to `output`; the wall seconds. Throws on a non-zero exit.
    static func execute(_ arguments: [String], in folder: String, output: String) throws -> Double {
        let (status, wall) = try CurvesBenchmark.execute(arguments, in: folder, output: output)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
            throw BenchError("\(arguments.joined(separator: " ")) exited \(status):\n\(text)")
        }
        return wall
    }

    /// Seconds per trial of `xargs -P 1` over trials/branin.py, from results/launch_throughput.tsv.
    static func launchBaseline(_ results: String) -> Double? {
        guard let text = try? String(contentsOfFile: results + "/launch_throughput.tsv", encoding: .utf8) else { return nil }
        let rows = text.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        guard let header = rows.first, let target = header.firstIndex(of: "target"), let parallel = header.firstIndex(of: "parallel"),
            let count = header.firstIndex(of: "n_trials"), let mean = header.firstIndex(of: "mean_s")
        else { return nil }
        for row in rows.dropFirst() where row.count == header.count && row[target] == "branin_py" && row[parallel] == "1" {
            if let n = Double(row[count]), let s = Double(row[mean]), n > 0 { return s / n }
        }
        return nil
    }
}
