import Foundation

/// A scatter chart drawn with text, one character per cell: points, failures on a lane of their
/// own under the plot, and an optional step line (the best so far). Many points per column are
/// simply drawn in the same column, so 10,000 trials bin into the width available.
public struct TerminalChart: Sendable {
    public enum Mark: Character, Sendable {
        case succeeded = "•"
        case stoppedEarly = "◦"
        case failed = "x"
        /// A trial on the Pareto front, and one off it (`tune plot --front`).
        case front = "*"
        case dominated = "·"
        /// A succeeded trial that crossed a safety bound.
        case infeasible = "×"
    }

    public enum XScale: Sendable, Equatable {
        case linear
        case logarithmic
        /// Whole numbers (trial ids): ticks at integers only.
        case integers
        /// Evenly spaced labelled columns; a point's x is the category's index.
        case categories([String])
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var mark: Mark

        public init(x: Double, y: Double, mark: Mark) {
            self.x = x
            self.y = y
            self.mark = mark
        }
    }

    public var title: String
    /// What x and y are, for the legend (`trial`, `acc`).
    public var xName: String
    public var yName: String
    public var xScale: XScale
    /// The x range; nil: the range of the data.
    public var xDomain: ClosedRange<Double>?
    public var logY: Bool
    public var points: [Point]
    /// The x of each failed trial, marked on the lane under the plot.
    public var failures: [Double]
    /// Best so far, by increasing x; drawn as a step line to the right edge.
    public var bestLine: [(x: Double, y: Double)]
    /// Said after the y axis's name in the legend.
    public var note: String?
    /// Step lines of their own, each drawn with its mark and named in the legend (`tune compare`).
    public var series: [Series] = []

    /// A step line drawn with one character, from its first point to `end`.
    public struct Series: Sendable {
        public var name: String
        public var mark: Character
        /// By increasing x: each point is where the line steps to a new y.
        public var steps: [(x: Double, y: Double)]
        /// Where the line stops (nil: at its last step).
        public var end: Double?

        public init(name: String, mark: Character, steps: [(x: Double, y: Double)], end: Double? = nil) {
            self.name = name
            self.mark = mark
            self.steps = steps
            self.end = end
        }
    }

    /// The marks series get, in order (then again from the first).
    public static let seriesMarks: [Character] = ["*", "+", "o", "#", "@", "%", "=", "&"]

    public init(
        title: String, xName: String, yName: String, xScale: XScale, xDomain: ClosedRange<Double>? = nil,
        logY: Bool = false, points: [Point], failures: [Double] = [], bestLine: [(x: Double, y: Double)] = [],
        note: String? = nil
    ) {
        self.title = title
        self.xName = xName
        self.yName = yName
        self.xScale = xScale
        self.xDomain = xDomain
        self.logY = logY
        self.points = points
        self.failures = failures
        self.bestLine = bestLine
        self.note = note
    }

    public static let minimumWidth = 30
    public static let minimumHeight = 8

    /// The chart in `width` columns and `height` lines (at least 30 × 8): the title, the plot rows,
    /// the failure lane (when there are failures), the x axis, its labels and the legend.
    public func render(width: Int, height: Int) -> [String] {
        let width = max(width, Self.minimumWidth)
        let height = max(height, Self.minimumHeight)
        let points = self.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        let line = bestLine.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        let series = self.series.map { one in
            var kept = one
            kept.steps = one.steps.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            return kept
        }
        let lane = !failures.isEmpty
        let legendLines = legend(points: points, width: width)
        let rows = max(3, height - 3 - legendLines.count - (lane ? 1 : 0))

        // The y axis.
        let ys = points.map(\.y) + line.map(\.y) + series.flatMap { $0.steps.map(\.y) }
        let (yLow, yHigh) = (ys.min() ?? 0, ys.max() ?? 1)
        // As many ticks as fit with at least two rows between them.
        var tickCount = max(3, min(6, rows / 3))
        var yTicks: [(value: Double, label: String)]
        var yRange: (Double, Double)
        repeat {
            if logY {
                let axis = NiceTicks.logarithmic(yLow, yHigh, count: tickCount)
                yRange = (log10(axis.low), log10(axis.high))
                yTicks = axis.ticks.map { ($0, NiceTicks.label($0)) }
            } else {
                let axis = NiceTicks.linear(yLow, yHigh, count: tickCount)
                yRange = (axis.low, axis.high)
                yTicks = axis.ticks.map { ($0, NiceTicks.label($0, step: axis.step)) }
            }
            tickCount -= 1
        } while tickCount >= 1 && (yTicks.count - 1) * 2 > rows - 1
        func row(_ y: Double) -> Int {
            let t = logY ? log10(y) : y
            let fraction = yRange.1 > yRange.0 ? (t - yRange.0) / (yRange.1 - yRange.0) : 0.5
            return rows - 1 - Int((min(max(fraction, 0), 1) * Double(rows - 1)).rounded())
        }
        var rowLabels: [Int: String] = [:]
        for tick in yTicks where rowLabels[row(tick.value)] == nil { rowLabels[row(tick.value)] = tick.label }
        let labelWidth = rowLabels.values.map(\.count).max() ?? 1
        let columns = width - labelWidth - 2

        // The x axis.
        let xs = points.map(\.x) + failures + line.map(\.x) + series.flatMap { $0.steps.map(\.x) + ($0.end.map { [$0] } ?? []) }
        var xLow = xDomain?.lowerBound ?? xs.min() ?? 0
        var xHigh = xDomain?.upperBound ?? xs.max() ?? 1
        if xScale == .logarithmic && (xLow <= 0 || xHigh <= 0) { (xLow, xHigh) = (1, 10) }
        func column(_ x: Double) -> Int {
            if case .categories(let names) = xScale {
                return min(columns - 1, Int((x + 0.5) * Double(columns) / Double(max(names.count, 1))))
            }
            let (a, b, t) = xScale == .logarithmic ? (log10(xLow), log10(xHigh), log10(max(x, .leastNormalMagnitude))) : (xLow, xHigh, x)
            guard b > a else { return xScale == .integers ? 0 : columns / 2 }
            return Int((min(max((t - a) / (b - a), 0), 1) * Double(columns - 1)).rounded())
        }
        var xTicks: [(column: Int, label: String)] = []
        switch xScale {
        case .categories(let names):
            let room = max(1, columns / max(names.count, 1) - 1)
            xTicks = names.indices.map { (column(Double($0)), Self.fit(names[$0], room)) }
        case .logarithmic:
            var ticks = NiceTicks.logarithmic(xLow, xHigh, count: max(2, columns / 10)).ticks
                .filter { $0 >= xLow * (1 - 1e-9) && $0 <= xHigh * (1 + 1e-9) }
            if ticks.count < 2 { ticks = [xLow, xHigh] }
            xTicks = ticks.map { (column($0), NiceTicks.label($0)) }
        case .linear, .integers:
            let axis = NiceTicks.linear(xLow, xHigh, count: max(2, columns / 10))
            var step = axis.step
            var ticks = axis.ticks
            if xScale == .integers && step != step.rounded() {
                // Trial numbers: whole steps only (0.5 → 1, 2.5 → 2).
                step = max(1, step.rounded(.down))
                ticks = Array(stride(from: ceil(xLow / step) * step, through: xHigh, by: step))
            }
            ticks = ticks.filter { $0 >= xLow - step * 1e-9 && $0 <= xHigh + step * 1e-9 }
            if xScale == .integers, let first = ticks.first, first > xLow, column(first) - column(xLow) > 3 {
                ticks.insert(xLow, at: 0)
            }
            if ticks.isEmpty { ticks = [xLow] }
            xTicks = ticks.map { (column($0), NiceTicks.label($0, step: step)) }
        }

        // The plot: the step line first, points over it.
        var grid = Array(repeating: Array(repeating: Character(" "), count: columns), count: rows)
        if !line.isEmpty {
            let sorted = line.sorted { $0.x < $1.x }
            var current: Int? = nil
            var next = 0
            for c in column(sorted[0].x)..<columns {
                var newRow = current
                while next < sorted.count && column(sorted[next].x) <= c {
                    newRow = row(sorted[next].y)
                    next += 1
                }
                guard let r = newRow else { continue }
                if let old = current, old != r {
                    grid[old][c] = old > r ? "┘" : "┐"
                    for between in (min(old, r) + 1)..<max(old, r) { grid[between][c] = "│" }
                    grid[r][c] = old > r ? "┌" : "└"
                } else {
                    grid[r][c] = "─"
                }
                current = r
            }
        }
        // The first series on top: drawn last.
        for one in series.reversed() {
            Self.draw(one, in: &grid, column: column, row: row)
        }
        for mark in [Mark.dominated, .infeasible, .stoppedEarly, .succeeded, .front] {
            for point in points where point.mark == mark { grid[row(point.y)][column(point.x)] = mark.rawValue }
        }

        var output: [String] = [Self.fit(title, width)]
        for (index, cells) in grid.enumerated() {
            let label = rowLabels[index].map { String(repeating: " ", count: labelWidth - $0.count) + $0 + " ┤" }
            output.append((label ?? String(repeating: " ", count: labelWidth) + " │") + String(cells))
        }
        if lane {
            var cells = Array(repeating: Character(" "), count: columns)
            for x in failures where x.isFinite { cells[column(x)] = Mark.failed.rawValue }
            output.append(String(repeating: " ", count: labelWidth) + " │" + String(cells))
        }
        var axis = Array(repeating: Character("─"), count: columns)
        var labels = Array(repeating: Character(" "), count: columns)
        var free = 0
        for tick in xTicks {
            axis[tick.column] = "┬"
            let text = Array(tick.label)
            let start = min(max(tick.column - (text.count - 1) / 2, 0), max(columns - text.count, 0))
            guard start >= free, start + text.count <= columns else { continue }
            for (i, ch) in text.enumerated() { labels[start + i] = ch }
            free = start + text.count + 1
        }
        output.append(String(repeating: " ", count: labelWidth) + " └" + String(axis))
        output.append(String(repeating: " ", count: labelWidth + 2) + String(labels))
        output += legendLines
        return output.map { String($0.reversed().drop { $0 == " " }.reversed()) }
    }

    /// A series' step line with its mark: across each level, and down or up the column where it steps.
    private static func draw(_ one: Series, in grid: inout [[Character]], column: (Double) -> Int, row: (Double) -> Int) {
        guard let first = one.steps.first else { return }
        let last = column(max(one.end ?? first.x, one.steps.last?.x ?? first.x))
        var current: Int? = nil
        var next = 0
        for c in column(first.x)...max(column(first.x), last) {
            var newRow = current
            while next < one.steps.count && column(one.steps[next].x) <= c {
                newRow = row(one.steps[next].y)
                next += 1
            }
            guard let r = newRow else { continue }
            if let old = current, old != r {
                for between in min(old, r)...max(old, r) { grid[between][c] = one.mark }
            }
            grid[r][c] = one.mark
            current = r
        }
    }

    /// The legend's lines: the marks shown and what the axes are (`• succeeded  x failed  ─ best so
    /// far · y: acc · x: trial`), cut to `width`; with series, each series' mark and name first, on as
    /// many lines as they need.
    private func legend(points: [Point], width: Int) -> [String] {
        let axes = legend(points: points)
        guard !series.isEmpty else { return [Self.fit(axes, width)] }
        var lines: [String] = []
        var current = ""
        for one in series {
            let entry = "\(one.mark) \(one.name)"
            if !current.isEmpty && current.count + 2 + entry.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : "  ") + entry
        }
        lines.append(current)
        return lines.map { Self.fit($0, width) } + [Self.fit(axes, width)]
    }

    /// The marks shown, then what the axes are: `• succeeded  x failed  ─ best so far · y: acc · x: trial`.
    private func legend(points: [Point]) -> String {
        var marks: [String] = []
        if points.contains(where: { $0.mark == .succeeded }) { marks.append("• succeeded") }
        if points.contains(where: { $0.mark == .stoppedEarly }) { marks.append("◦ stopped early") }
        if points.contains(where: { $0.mark == .front }) { marks.append("* Pareto front") }
        if points.contains(where: { $0.mark == .dominated }) { marks.append("· dominated") }
        if points.contains(where: { $0.mark == .infeasible }) { marks.append("× unsafe") }
        if !failures.isEmpty { marks.append("x failed") }
        if !bestLine.isEmpty { marks.append("─ best so far") }
        var parts = [marks.joined(separator: "  ")]
        parts.append("y: \(yName)" + (logY ? " (log)" : note.map { " (\($0))" } ?? ""))
        parts.append("x: \(xName)" + (xScale == .logarithmic ? " (log)" : ""))
        return parts.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// `text` cut to `width` characters, ending in `…` when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        return width <= 1 ? String(text.prefix(width)) : String(text.prefix(width - 1)) + "…"
    }
}
