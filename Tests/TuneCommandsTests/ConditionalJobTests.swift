import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Conditional parameters end to end: a trial gets exactly its active parameters' flags, and the
/// journal, `tune trials` (table, CSV, JSON) and the report show an inactive parameter as absent.
@Suite("End to end: conditional parameters", .limitedParallelism)
struct ConditionalJobTests {
    /// The spec's order of the parameters (parents before children, depth first).
    static let order = ["optimizer", "momentum", "beta1", "num_layers", "units2", "units3"]

    /// optimizer sgd/adam with momentum under sgd and beta1 under adam; num_layers 1…3 with units2
    /// under 2 and 3, units3 under 3. Nested (Cloud ML's conditionalParameterSpecs).
    static let nestedParams = """
          - parameterName: optimizer
            type: CATEGORICAL
            categoricalValues: [sgd, adam]
            conditionalParameterSpecs:
              - parentCategoricalValues:
                  values: [sgd]
                parameterSpec:
                  parameterName: momentum
                  type: DOUBLE
                  minValue: 0
                  maxValue: 0.99
              - parentCategoricalValues:
                  values: [adam]
                parameterSpec:
                  parameterName: beta1
                  type: DOUBLE
                  minValue: 0.5
                  maxValue: 0.999
          - parameterName: num_layers
            type: INTEGER
            minValue: 1
            maxValue: 3
            conditionalParameterSpecs:
              - parentIntValues:
                  values: [2, 3]
                parameterSpec:
                  parameterName: units2
                  type: INTEGER
                  minValue: 16
                  maxValue: 256
              - parentIntValues: {values: [3]}
                parameterSpec: {parameterName: units3, type: DISCRETE, discreteValues: [32, 64, 128]}
        """

    /// The same tree, finite, written flat (`parentParameter`). Its grid:
    /// optimizer: sgd × momentum (2) + adam × beta1 (2) = 4;
    /// num_layers: 1 (1) + 2 × units2 (2) + 3 × units2 × units3 (2 × 3 = 6) = 9; 4 × 9 = 36.
    static let flatGridParams = """
          - parameterName: optimizer
            type: CATEGORICAL
            categoricalValues: [sgd, adam]
          - parameterName: momentum
            type: DISCRETE
            discreteValues: [0.5, 0.9]
            parentParameter: optimizer
            parentCategoricalValues: [sgd]
          - parameterName: beta1
            type: DISCRETE
            discreteValues: [0.9, 0.99]
            parentParameter: optimizer
            parentCategoricalValues: [adam]
          - parameterName: num_layers
            type: INTEGER
            minValue: 1
            maxValue: 3
          - parameterName: units2
            type: DISCRETE
            discreteValues: [32, 64]
            parentParameter: num_layers
            parentIntValues: [2, 3]
          - parameterName: units3
            type: DISCRETE
            discreteValues: [32, 64, 128]
            parentParameter: num_layers
            parentIntValues: [3]
        """

    /// The parameters active at a trial's values, in the spec's order.
    static func active(_ values: [String: String]) -> [String] {
        var names = ["optimizer"]
        if values["optimizer"] == "sgd" { names.append("momentum") }
        if values["optimizer"] == "adam" { names.append("beta1") }
        names.append("num_layers")
        if values["num_layers"] == "2" || values["num_layers"] == "3" { names.append("units2") }
        if values["num_layers"] == "3" { names.append("units3") }
        return names
    }

    /// A trial script that fails (exit 3) when a flag of an inactive parameter is given, an active
    /// one is missing, or the order is not the spec's; it logs "id attempt flags…" to flags.log,
    /// holds while `hold` names its trial (first attempt), fails once while `fail` names it.
    static func trainer(_ sandbox: Sandbox) throws {
        try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID $TUNE_TRIAL_ATTEMPT $*" >> '\(sandbox.path("flags.log"))'
            opt=; nl=; names=
            for a in "$@"; do
              case "$a" in
                --optimizer=*) opt=${a#*=}; names="$names optimizer" ;;
                --momentum=*) names="$names momentum" ;;
                --beta1=*) names="$names beta1" ;;
                --num_layers=*) nl=${a#*=}; names="$names num_layers" ;;
                --units2=*) names="$names units2" ;;
                --units3=*) names="$names units3" ;;
                *) echo "unexpected argument $a" >&2; exit 3 ;;
              esac
            done
            expected=" optimizer"
            [ "$opt" = sgd ] && expected="$expected momentum"
            [ "$opt" = adam ] && expected="$expected beta1"
            expected="$expected num_layers"
            case "$nl" in 2|3) expected="$expected units2" ;; esac
            [ "$nl" = 3 ] && expected="$expected units3"
            if [ "$names" != "$expected" ]; then echo "flags:$names; expected:$expected" >&2; exit 3; fi
            if [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && [ "$(cat '\(sandbox.path("hold"))' 2>/dev/null)" = "$TUNE_TRIAL_ID" ]; then
              touch "$TUNE_TRIAL_DIR/held"
              while [ ! -f '\(sandbox.path("gate"))' ]; do sleep 0.05; done
            fi
            if [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && [ "$(cat '\(sandbox.path("fail"))' 2>/dev/null)" = "$TUNE_TRIAL_ID" ]; then
              echo "planned failure" >&2; exit 4
            fi
            echo "acc=0.$(( (TUNE_TRIAL_ID * 37) % 100 + 100 ))"
            echo "$TUNE_TRIAL_ID" >> '\(sandbox.path("finished.txt"))'
            """)
    }

    /// Each trial's parameters as the journal's trial_created lines hold them.
    static func journalParameters(_ sandbox: Sandbox, _ job: String) throws -> [Int: [String: String]] {
        let text = try #require(sandbox.read(".tune/\(job)/journal.jsonl"))
        var result: [Int: [String: String]] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "trial_created", let id = object["trial"] as? Int
            else { continue }
            result[id] = try #require(object["parameters"] as? [String: String], "\(line)")
        }
        return result
    }

    /// The trials the journal has a trial_finished line for.
    static func finishedTrials(_ sandbox: Sandbox, _ job: String) throws -> Set<Int> {
        let text = try #require(sandbox.read(".tune/\(job)/journal.jsonl"))
        return Set(
            text.split(separator: "\n").compactMap { line -> Int? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["event"] as? String == "trial_finished"
                else { return nil }
                return object["trial"] as? Int
            })
    }

    /// The lines of flags.log: (trial, attempt, the flags as one string).
    static func flagLog(_ sandbox: Sandbox) -> [(trial: Int, attempt: Int, flags: String)] {
        (sandbox.read("flags.log") ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let id = Int(parts[0]), let attempt = Int(parts[1]) else { return nil }
            return (id, attempt, String(parts[2]))
        }
    }

    /// Cells of a `tune trials` table, by header: each column starts where its header does (the
    /// parameter columns are left-aligned, and no numeric cell here is wider than its header).
    static func tableRows(_ table: String) -> (headers: [String], rows: [[String: String]]) {
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        guard let header = lines.first.map(Array.init) else { return ([], []) }
        var starts: [Int] = []
        var names: [String] = []
        var i = 0
        while i < header.count {
            if header[i] != " " && (i == 0 || header[i - 1] == " ") {
                starts.append(i)
                var j = i
                while j < header.count && header[j] != " " { j += 1 }
                names.append(String(header[i..<j]))
                i = j
            } else {
                i += 1
            }
        }
        let rows = lines.dropFirst().map { line -> [String: String] in
            let chars = Array(line)
            var row: [String: String] = [:]
            for (k, name) in names.enumerated() {
                let from = min(starts[k], chars.count)
                let to = k + 1 < starts.count ? min(starts[k + 1], chars.count) : chars.count
                row[name] = String(chars[from..<to]).trimmingCharacters(in: .whitespaces)
            }
            return row
        }
        return (names, rows)
    }

    @Test func aConditionalJobShowsInactiveParametersAsAbsentAndRetriesWithTheSameFlags() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("fail", "3")
        try sandbox.write("c.yml", config(maxTrials: 12, parallel: 2, extra: "seed: 7", params: Self.nestedParams))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "cj"])
        #expect(run.status == 0, "\(run)")

        // The journal holds only the active parameters of each trial.
        let journal = try Self.journalParameters(sandbox, "cj")
        #expect(journal.count == 12)
        for (id, values) in journal {
            #expect(Self.order.filter { values[$0] != nil } == Self.active(values), "trial \(id): \(values)")
            #expect(Set(values.keys) == Set(Self.active(values)), "trial \(id): \(values)")
        }
        // The seed gives every branch (else the checks below would prove little).
        try #require(journal.values.contains { $0["optimizer"] == "sgd" } && journal.values.contains { $0["optimizer"] == "adam" }, "\(journal)")
        try #require(Set(journal.values.compactMap { $0["num_layers"] }) == ["1", "2", "3"], "\(journal)")
        // Every trial ran with exactly its active flags (the script would have failed), trial 3 failing once on purpose.
        let json = byId(try await trialsJSON(sandbox, "cj"))
        #expect(json.count == 12)
        for (id, trial) in json {
            #expect(trial["state"] as? String == (id == 3 ? "FAILED" : "SUCCEEDED"), "\(trial)")
            // JSON: an inactive parameter's key is missing, never a value.
            #expect(hyperparameters(trial) == journal[id], "trial \(id)")
            let raw = try #require(trial["hyperparameters"] as? [String: Any])
            #expect(Set(raw.keys) == Set(Self.active(hyperparameters(trial))), "trial \(id): \(raw)")
        }
        #expect((json[3]?["failureReason"] as? String)?.contains("planned failure") == true, "\(json[3] ?? [:])")

        // Table: an inactive parameter's cell is empty, and the columns stay in place.
        let table = try await sandbox.tune(["trials", "cj"])
        #expect(table.status == 0, "\(table)")
        let (headers, rows) = Self.tableRows(table.stdout)
        #expect(Array(headers.prefix(2 + Self.order.count)) == ["objectiveValue", "trainingStep"] + Self.order, "\(table.stdout)")
        #expect(rows.count == 12, "\(table.stdout)")
        for row in rows {
            let id = try #require(row["trialId"].flatMap { Int($0) }, "\(row) in\n\(table.stdout)")
            let values = try #require(journal[id])
            for name in Self.order {
                #expect(row[name] == (values[name] ?? ""), "trial \(id) \(name) in\n\(table.stdout)")
            }
            #expect(row["state"] == (id == 3 ? "FAILED" : "SUCCEEDED"), "trial \(id) in\n\(table.stdout)")
        }
        #expect(!table.stdout.contains("nil") && !table.stdout.contains("null"), "\(table.stdout)")

        // CSV: an empty field, in every row as many fields as headers.
        let csv = try await sandbox.tune(["trials", "cj", "--format", "csv"])
        #expect(csv.status == 0, "\(csv)")
        let csvRows = OutputTests.csvRows(csv.stdout)
        let csvHeader = try #require(csvRows.first)
        #expect(csvRows.count == 13, "\(csv.stdout)")
        for row in csvRows.dropFirst() {
            #expect(row.count == csvHeader.count, "\(row)")
            let fields = Dictionary(uniqueKeysWithValues: zip(csvHeader, row))
            let id = try #require(fields["trialId"].flatMap { Int($0) })
            let values = try #require(journal[id])
            for name in Self.order {
                #expect(fields[name] == (values[name] ?? ""), "trial \(id) \(name): \(row)")
            }
        }
        #expect(!csv.stdout.contains("nil") && !csv.stdout.contains("null"), "\(csv.stdout)")

        // The report renders, with empty cells for the absent values and a polyline per succeeded trial.
        let report = try await sandbox.tune(["report", "cj"])
        try #require(report.status == 0, "\(report)")
        let html = try #require(sandbox.read(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(report)")
        for name in Self.order { #expect(html.contains("<th>\(name)</th>"), "no column for \(name)") }
        #expect(ReportTests.count("<polyline data-trial=", in: html) == 11)
        for (id, values) in journal {
            let start = try #require(html.range(of: "data-trial=\"\(id)\"><td>"), "no row for trial \(id)")
            let end = try #require(html.range(of: "</tr>", range: start.upperBound..<html.endIndex))
            let cells = html[start.upperBound..<end.lowerBound].components(separatedBy: "<td>").map { $0.replacingOccurrences(of: "</td>", with: "") }
            // trial, state, objective, step, then the parameters.
            let parameterCells = Array(cells.dropFirst(4).prefix(Self.order.count))
            #expect(parameterCells == Self.order.map { values[$0] ?? "" }, "trial \(id): \(cells)")
        }
        #expect(!html.contains(">nil<") && !html.contains(">null<"))
        // Parallel coordinates: a trial's line has a point on every axis (and the objective's); on
        // an inactive parameter's axis it passes the `absent` mark below the axis, not a value.
        let parallel = try #require(ReportTests.svg("parallel", in: html))
        #expect(!parallel.contains("nan") && !parallel.contains("inf"))
        for (id, values) in journal where id != 3 {
            let start = try #require(parallel.range(of: "<polyline data-trial=\"\(id)\""), "no line for trial \(id)")
            let points = try #require(parallel[start.upperBound...].range(of: "points=\""))
            let end = try #require(parallel[points.upperBound...].firstIndex(of: "\""))
            let count = parallel[points.upperBound..<end].split(separator: " ").count
            #expect(count == Self.order.count + 1, "trial \(id): \(values)")
            let ys = parallel[points.upperBound..<end].split(separator: " ").map { $0.split(separator: ",")[1] }
            let absentYs = Set(Self.order.indices.filter { values[Self.order[$0]] == nil }.map { ys[$0] })
            #expect(absentYs.count <= 1, "trial \(id): every absent value at the one absent mark: \(ys)")
            #expect(!absentYs.contains { y in Self.order.indices.contains { values[Self.order[$0]] != nil && ys[$0] == y } })
        }
        #expect(parallel.contains(">absent</text>"))
        // Slices: a dot per succeeded trial that has the parameter.
        for (p, name) in Self.order.enumerated() {
            let slice = try #require(ReportTests.svg("slice-\(p + 1)", in: html), "no slice for \(name)")
            let dots = ReportTests.count("h0", in: slice)
            #expect(dots == journal.filter { $0.key != 3 && $0.value[name] != nil }.count, "\(name)")
        }

        // Retry the failed trial: the same flags, and it succeeds.
        let retried = try await sandbox.tune(["retry", "cj", "--trials", "3"])
        #expect(retried.status == 0, "\(retried)")
        let runs = Self.flagLog(sandbox).filter { $0.trial == 3 }
        #expect(runs.map(\.attempt) == [1, 2], "\(runs)")
        #expect(runs.count == 2 && runs[0].flags == runs[1].flags, "\(runs)")
        let after = byId(try await trialsJSON(sandbox, "cj"))
        #expect(after[3]?["state"] as? String == "SUCCEEDED")
        #expect(after[3]?["attempt"] as? Int == 2)
        #expect(hyperparameters(after[3] ?? [:]) == journal[3])
    }

    @Test func aGridOnATreeRunsExactlyTheTreesSize() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("g.yml", config(maxTrials: 100, parallel: 3, algorithm: "GRID_SEARCH", params: Self.flatGridParams))
        let validate = try await sandbox.tune(["validate", "g.yml"])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stdout.contains("36 combinations → 36 trials"), "\(validate)")
        let run = try await sandbox.tune(["./train.sh", "--config", "g.yml", "--job", "grid"], timeout: 120)
        #expect(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "grid")
        #expect(trials.count == 36)
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials.filter { $0["state"] as? String != "SUCCEEDED" })")
        let points = trials.map(hyperparameters)
        #expect(Set(points).count == 36, "no point twice")
        for point in points { #expect(Set(point.keys) == Set(Self.active(point)), "\(point)") }
        #expect(points.filter { $0["num_layers"] == "3" }.count == 24)
        #expect(points.filter { $0["num_layers"] == "1" }.count == 4)
    }

    @Test func aSigkilledConditionalJobResumesWithValidTrialsAndNoPointTwice() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("hold", "4")
        try sandbox.write("c.yml", config(maxTrials: 10, parallel: 2, extra: "seed: 11", params: Self.nestedParams))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "rk", "--grace-period", "1"])
        let held = await sandbox.waitUntil(timeout: 30) { sandbox.exists(".tune/rk/trials/4/held") }
        try #require(held, "trial 4 started: \(tune.stderrSoFar)")
        tune.signal(SIGKILL)
        _ = await tune.finish()
        let before = try Self.journalParameters(sandbox, "rk")
        let finishedBefore = try Self.finishedTrials(sandbox, "rk")
        #expect(!finishedBefore.isEmpty && !finishedBefore.contains(4), "\(finishedBefore)")

        let resumed = try await sandbox.tune(["resume", "rk", "--grace-period", "1"], timeout: 90)
        #expect(resumed.status == 0, "\(resumed)")
        let trials = byId(try await trialsJSON(sandbox, "rk"))
        #expect(trials.count == 10)
        #expect(trials.values.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
        let journal = try Self.journalParameters(sandbox, "rk")
        for (id, trial) in trials {
            let values = hyperparameters(trial)
            #expect(Set(values.keys) == Set(Self.active(values)), "trial \(id): \(values)")
            #expect(values == journal[id])
            // A trial created before the kill keeps its parameters.
            if let earlier = before[id] { #expect(values == earlier, "trial \(id)") }
        }
        #expect(Set(trials.values.map(hyperparameters)).count == 10, "no point twice")
        // A trial that finished before the kill never ran again; one that was cut short (trial 4,
        // and any other running then) ran again with the same flags; every trial finished.
        let log = Self.flagLog(sandbox)
        for id in finishedBefore {
            #expect(log.filter { $0.trial == id }.map(\.attempt) == [1], "trial \(id) had finished: \(log)")
        }
        for id in 1...10 {
            let runs = log.filter { $0.trial == id }
            #expect(Set(runs.map(\.flags)).count == 1, "trial \(id): \(runs)")
        }
        let finished = (sandbox.read("finished.txt") ?? "").split(separator: "\n").map(String.init)
        #expect(Set(finished) == Set((1...10).map(String.init)), "\(finished)")
        let four = log.filter { $0.trial == 4 }
        #expect(four.count == 2 && four[0].flags == four[1].flags, "\(four)")
    }
}
