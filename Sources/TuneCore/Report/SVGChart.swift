import Foundation

/// One axis of a chart: numeric (linear or log) or ordinal (equally spaced named values:
/// CATEGORICAL values, DISCRETE values in order).
public enum ChartAxis: Sendable {
    case numeric(AxisScale)
    case ordinal([String])

    /// Where value `x` falls, 0…1: a number for numeric axes, an index for ordinal ones.
    public func fraction(_ x: Double) -> Double {
        switch self {
        case .numeric(let scale): return scale.fraction(x)
        case .ordinal(let names): return names.isEmpty ? 0.5 : (x + 0.5) / Double(names.count)
        }
    }

    var scaleName: String {
        switch self {
        case .numeric(let scale): return scale.kind.rawValue
        case .ordinal: return "ordinal"
        }
    }

    /// (fraction, label) of each tick; ordinal axes label at most 24 values.
    var tickMarks: [(Double, String)] {
        switch self {
        case .numeric(let scale):
            return zip(scale.ticks, scale.labels).map { (scale.fraction($0), $1) }
        case .ordinal(let names):
            let every = max(1, (names.count + 23) / 24)
            return names.indices.filter { $0 % every == 0 }.map { (fraction(Double($0)), Self.clip(names[$0])) }
        }
    }

    static func clip(_ text: String, to width: Int = 14) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

/// An SVG chart drawn by appending elements in pixel coordinates; `render` wraps them in `<svg>`.
/// Text goes through `HTMLEscape`; numbers are written with one decimal to keep files small.
public struct SVGChart: Sendable {
    public var width: Double
    public var height: Double
    public var left: Double, top: Double, right: Double, bottom: Double
    var elements: [String] = []

    public init(width: Double = 720, height: Double = 360, left: Double = 72, top: Double = 34, right: Double = 24, bottom: Double = 52) {
        self.width = width
        self.height = height
        self.left = left
        self.top = top
        self.right = width - right
        self.bottom = height - bottom
    }

    /// Pixel x of a 0…1 fraction along the plot area, and pixel y (0 at the bottom).
    public func px(_ f: Double) -> Double { left + min(1.05, max(-0.05, f)) * (right - left) }
    public func py(_ f: Double) -> Double { bottom - min(1.05, max(-0.05, f)) * (bottom - top) }

    public mutating func add(_ element: String) { elements.append(element) }

    public mutating func title(_ text: String) {
        add("<text class=\"title\" x=\"\(n(left))\" y=\"20\">\(HTMLEscape.escape(text))</text>")
    }

    public mutating func xAxis(_ axis: ChartAxis, label: String) {
        var parts = [
            "<g class=\"axis x\" data-scale=\"\(axis.scaleName)\">",
            "<line x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(right))\" y2=\"\(n(bottom))\"/>",
        ]
        for (f, text) in axis.tickMarks {
            let x = n(px(f))
            parts.append("<line class=\"grid\" x1=\"\(x)\" y1=\"\(n(top))\" x2=\"\(x)\" y2=\"\(n(bottom))\"/>")
            parts.append("<text x=\"\(x)\" y=\"\(n(bottom + 16))\" text-anchor=\"middle\">\(HTMLEscape.escape(text))</text>")
        }
        parts.append("<text class=\"label\" x=\"\(n((left + right) / 2))\" y=\"\(n(height - 10))\" text-anchor=\"middle\">\(HTMLEscape.escape(label))</text></g>")
        add(parts.joined())
    }

    public mutating func yAxis(_ axis: ChartAxis, label: String) {
        var parts = [
            "<g class=\"axis y\" data-scale=\"\(axis.scaleName)\">",
            "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(bottom))\"/>",
        ]
        for (f, text) in axis.tickMarks {
            let y = n(py(f))
            parts.append("<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(y)\" x2=\"\(n(right))\" y2=\"\(y)\"/>")
            parts.append("<text x=\"\(n(left - 6))\" y=\"\(y)\" dy=\"0.32em\" text-anchor=\"end\">\(HTMLEscape.escape(text))</text>")
        }
        let cy = n((top + bottom) / 2)
        parts.append("<text class=\"label\" x=\"14\" y=\"\(cy)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(cy))\">\(HTMLEscape.escape(label))</text></g>")
        add(parts.joined())
    }

    /// A horizontal viridis colour bar at the top right, `low` at the dark end.
    public mutating func colorLegend(id: String, low: String, high: String, caption: String) {
        let stops = (0...10).map { "<stop offset=\"\($0 * 10)%\" stop-color=\"\(Palette.viridis(Double($0) / 10))\"/>" }.joined()
        let (x, w) = (right - 180, 120.0)
        add(
            "<g class=\"legend\"><defs><linearGradient id=\"\(id)\">\(stops)</linearGradient></defs>"
                + "<rect x=\"\(n(x))\" y=\"8\" width=\"\(n(w))\" height=\"10\" fill=\"url(#\(id))\"/>"
                + "<text x=\"\(n(x - 4))\" y=\"17\" text-anchor=\"end\">\(HTMLEscape.escape(low))</text>"
                + "<text x=\"\(n(x + w + 4))\" y=\"17\">\(HTMLEscape.escape(high))</text>"
                + "<text x=\"\(n(x + w / 2))\" y=\"30\" text-anchor=\"middle\">\(HTMLEscape.escape(caption))</text></g>")
    }

    public func render(label: String, id: String) -> String {
        "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(HTMLEscape.escape(label))\">"
            + elements.joined(separator: "\n") + "</svg>"
    }
}

/// A coordinate with one decimal (`12.3`, `-4`).
func n(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let tenths = (x * 10).rounded()
    let whole = Int(tenths) / 10
    let frac = abs(Int(tenths) % 10)
    if frac == 0 { return String(Int(tenths) / 10) }
    return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(frac)"
}
