import Foundation

/// `tune report`'s page: one self-contained HTML file (inline CSS, SVG and a small sorting
/// script; nothing fetched) with the job summary, optimization history, the Pareto front (with
/// several objectives), parallel coordinates, slice plots, learning curves (the objective's, then
/// each other metric's), parameter importance and the sortable trials table.
/// Every string that comes from the user (command, values, names) is escaped.
public struct HTMLReport {
    public var job: JobRecord
    public var generated: Date
    /// `tune report --watch` while the job runs: the page says so and reloads itself this often
    /// (seconds). nil: a page that stays as it is.
    public var reloadEvery: TimeInterval?

    public init(job: JobRecord, generated: Date = Date(), reloadEvery: TimeInterval? = nil) {
        self.job = job
        self.generated = generated
        self.reloadEvery = reloadEvery
    }

    public func render() -> String {
        let data = ReportData(job: job)
        let e = HTMLEscape.escape
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>tune report: \(e(job.id))</title>
            <style>\(Self.css)</style></head><body>
            <h1>tune report: \(e(job.id))</h1>

            """
        html += liveBanner
        html += section("Summary", id: "summary", summary(data))
        html += section("Optimization history", id: "history-section", data.history() + historyKey)
        if job.spec.isMultiObjective { html += section("Pareto front", id: "pareto-section", data.paretoFront()) }
        html += section("Parallel coordinates", id: "parallel-section", data.parallelCoordinates())
        html += section("Slice plots", id: "slices-section", data.slices())
        html += section(
            "Learning curves", id: "curves-section",
            data.learningCurves()
                + "<p class=\"key\">Dashed lines ending in × were stopped early (or failed); grey lines are trials without a final value.</p>"
                + data.metricCurves())
        html += section("Parameter importance", id: "importance-section", data.importanceTable() + Self.importanceNote)
        if job.spec.population != nil { html += section("Population-based training", id: "population-section", data.populationSection()) }
        if !job.confirmations.isEmpty { html += section("Confirmation", id: "confirmation-section", confirmationTable()) }
        html += section("Trials", id: "trials-section", trialsTable(data))
        html += "<footer>Made by tune at \(e(Self.timestamp(generated))) from the journal of job \(e(job.id)).</footer>\n"
        html += "<script>\(Self.script)\(liveScript)</script>\n</body></html>\n"
        return html
    }

    func section(_ title: String, id: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTMLEscape.escape(title))</h2>\n\(body)\n</section>\n"
    }

    func summary(_ data: ReportData) -> String {
        let e = HTMLEscape.escape
        let spec = job.spec
        var rows: [(String, String)] = []
        var state = job.state.rawValue
        if let reason = job.stateReason, job.state != .running { state += ": " + reason }
        rows.append(("state", e(state)))
        rows.append(("command", "<code>\(e(job.header.command.map(ReproduceCommand.shellQuoted).joined(separator: " ")))</code>"))
        rows.append(("config", "<code>\(e(job.header.configPath))</code>"))
        rows.append(("strategy", e("\(job.header.strategy) (\(spec.algorithm.rawValue)), seed \(job.header.seed)")))
        let goals = spec.objectives.map { "\($0.goal.rawValue) \($0.metricTag)" }.joined(separator: ", ")
        rows.append((spec.isMultiObjective ? "objectives" : "goal", e("\(goals) (\(spec.measurementSelection.rawValue))")))
        if !spec.safety.isEmpty {
            let checks = Array(data.safety.values)
            let safe = checks.filter(\.isSafe).count
            let share = checks.isEmpty ? "" : " (\(Int((Double(safe) / Double(checks.count) * 100).rounded()))%)"
            rows.append(
                (
                    "safety",
                    e("\(spec.safety.map(\.boundText).joined(separator: ", ")): \(safe) of \(checks.count) succeeded trials safe\(share)")
                ))
        }
        let counts = TrialState.allCases.compactMap { s -> String? in
            let count = job.count(s)
            return count > 0 ? "\(count) \(s.rawValue.lowercased())" : nil
        }
        let stopped = job.trials.filter(\.stoppedEarly).count
        var trialText = "\(job.trials.count) of \(spec.plannedTrials)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
        if stopped > 0 { trialText += " (\(stopped) stopped early)" }
        rows.append(("trials", e(trialText)))
        if spec.isMultiObjective {
            rows.append(("Pareto front", paretoSummary(data)))
        } else if let best = job.bestTrial, let metric = best.finalMetric {
            let params = spec.params.compactMap { p in best.parameters[p.name].map { "\(p.name)=\($0)" } }.joined(separator: " ")
            rows.append(
                (
                    "best trial",
                    e("trial \(best.id): \(spec.metricTag)=\(MetricReading.display(metric.value)) (step \(metric.step))")
                        + (params.isEmpty ? "" : "<br/><code>\(e(params))</code>")
                ))
            if let schedule = job.bestSchedule {
                // A PBT model was trained with a schedule: no single command line reproduces it.
                let lines = ScheduleText.lines(schedule.steps, job: job).map(e).joined(separator: "<br/>")
                rows.append(("schedule", "<code class=\"schedule\">\(lines)</code>"))
            } else {
                rows.append(("reproduce", "<code>\(e(ReproduceCommand.line(for: best, in: job)))</code>"))
            }
        } else if job.trials.contains(where: { $0.state == .succeeded }) && !spec.safety.isEmpty {
            rows.append(("best trial", "no safe trial: every succeeded trial crossed a safety bound"))
        } else {
            rows.append(("best trial", "no succeeded trial"))
        }
        let used = job.trials.reduce(0.0) { total, trial in
            guard let start = trial.startTime, let end = trial.endTime else { return total }
            return total + end.timeIntervalSince(start)
        }
        rows.append(("trial time", e(DurationText.format(used) + " in all")))
        if let savings = job.trialTimeSavings {
            rows.append(("saved", e("≈ \(DurationText.format(savings.saved)) of trial time, estimated \(savings.method)")))
        }
        let end = job.endTime ?? generated
        rows.append(("created", e(Self.timestamp(job.header.createTime) + " · elapsed " + DurationText.format(end.timeIntervalSince(job.header.createTime)))))
        let body = rows.map { "<tr><th>\(e($0.0))</th><td>\($0.1)</td></tr>" }.joined(separator: "\n")
        return "<table class=\"summary\">\n\(body)\n</table>"
    }

    /// "3 of 8 succeeded trials are on the front: trial 2 (acc=0.9, loss=0.3), …", the first 10 listed.
    func paretoSummary(_ data: ReportData) -> String {
        let e = HTMLEscape.escape
        let front = data.bestFirst.filter { data.ranks[$0.id] == 1 }
        let succeeded = job.trials.filter { $0.state == .succeeded }.count
        guard !front.isEmpty else {
            return e(succeeded == 0 ? "no succeeded trial" : "no trial on the front: no safe succeeded trial reported every objective")
        }
        let listed = front.prefix(10).map { trial in
            let values = zip(job.spec.objectives, job.objectiveValues(of: trial) ?? []).map { "\($0.metricTag)=\(MetricReading.display($1))" }
            return "trial \(trial.id) (\(values.joined(separator: ", ")))"
        }
        let verb = front.count == 1 ? "is" : "are"
        return e("\(front.count) of \(succeeded) succeeded trials \(verb) on the front: " + listed.joined(separator: "; ") + (front.count > 10 ? "; …" : ""))
    }

    var historyKey: String {
        guard !job.spec.safety.isEmpty else { return Self.historyKey }
        return Self.historyKey.replacingOccurrences(
            of: " · <span class=\"k-best\">", with: " · <span class=\"k-infeasible\">×</span> infeasible (at its value) · <span class=\"k-best\">")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static let historyKey = """
        <p class="key"><span class="k-ok">●</span> succeeded · <span class="k-stopped">○</span> stopped early \
        · <span class="k-failed">×</span> failed or cancelled (on the bottom edge) · <span class="k-best">―</span> best so far</p>
        """

    static let importanceNote = """
        <p class="note">Estimated as each parameter's <strong>correlation ratio</strong> with the objective: the succeeded \
        trials are grouped by the parameter's value (one group per category or discrete value, else up to 10 \
        quantile bins) and η² = between-group / total variance of the objective's ranks. The share is η² \
        adjusted for the number of groups (ε², so noise scores about 0), normalized to sum to 100%. \
        It is first-order only: a parameter that matters only together with another can score low. \
        A parameter whose median group holds fewer than \(ParameterImportance.minimumGroupSize) trials gets no share: \
        a group mean from one or two trials is noise.</p>
        """

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
        h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
        code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
        table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;vertical-align:top}
        table.summary th{color:#555;font-weight:normal;white-space:nowrap}
        table.trials{font-size:12px}table.trials th{cursor:pointer;background:#f2f2f2;position:sticky;top:0}
        table.trials td{border-top:1px solid #eee}tr.failed td,tr.cancelled td{color:#a33}
        th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
        svg.chart{display:block;max-width:100%;height:auto;font-size:11px;margin:8px 0}
        svg text{fill:#333}svg .title{font-size:13px;font-weight:600}
        .axis line{stroke:#888;stroke-width:1}.axis line.grid{stroke:#eee}
        .axis text.tick{paint-order:stroke;stroke:#fff;stroke-width:3px}
        polyline{fill:none;stroke-opacity:.7}
        circle.succeeded{fill:#0072B2}circle.stopped{fill:#fff;stroke:#E69F00;stroke-width:1.5}
        path.failed,path.cancelled{stroke:#D55E00;stroke-width:1.5;fill:none}path.cancelled{stroke:#999}
        path.best{fill:none;stroke:#E69F00;stroke-width:2}
        path.dots{stroke:#0072B2;stroke-width:5;stroke-linecap:round;stroke-opacity:.6;fill:none}path.dots.stopped{stroke:#E69F00}
        path.curve{fill:none;stroke-opacity:.8;stroke-linecap:round}path.curve.stopped,path.curve.failed{stroke-dasharray:4 3}
        path.cut{stroke:#D55E00;stroke-width:1.5;fill:none}
        .slices{display:flex;flex-wrap:wrap;gap:8px}.slices svg{margin:0}
        .k-ok{color:#0072B2}.k-stopped{color:#E69F00}.k-failed{color:#D55E00}.k-best{color:#E69F00;font-weight:bold}
        .key,.note{color:#555;font-size:12px}.none{color:#a33;font-style:italic}tr.few td{color:#888}
        td.bar span{display:inline-block;height:10px;background:#21918c}
        footer{margin-top:32px;color:#888;font-size:12px}
        h3{font-size:15px;margin-top:20px}figure.metric{margin:0}figure.metric figcaption{margin:0 0 4px 64px}
        circle.front{fill:#0072B2;stroke:#fff;stroke-width:1}circle.dominated{fill:#bbb}
        path.front-line{fill:none;stroke:#0072B2;stroke-width:1.5;stroke-opacity:.8}
        path.infeasible{stroke:#D55E00;stroke-width:2;fill:none}path.threshold{stroke:#D55E00;stroke-width:1;stroke-dasharray:5 4;fill:none}
        .k-front{color:#0072B2}.k-dominated{color:#bbb}.k-infeasible{color:#D55E00;font-weight:bold}
        tr.front td.rank::after{content:" ★";color:#0072B2}tr.infeasible td{background:#fdf0ea}td.unsafe{color:#D55E00;cursor:help}
        """

    /// Sorts a table by the clicked column: numbers as numbers, other text alphabetically, empty cells last.
    static let script = """
        document.querySelectorAll("table.sortable th").forEach(function (th) {
          th.addEventListener("click", function () {
            var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
            var ascending = th.getAttribute("aria-sort") !== "ascending";
            table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            function key(row) {
              var text = row.cells[col].textContent.trim();
              if (text === "") return null;
              var x = Number(text);
              return isNaN(x) ? text : x;
            }
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = key(a), y = key(b);
              if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
              var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
              return ascending ? c : -c;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          });
        });
        """
}
