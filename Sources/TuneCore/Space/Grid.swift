/// Every combination of a grid-searchable space, enumerated lazily in mixed radix
/// (the last parameter varies fastest, as `itertools.product` orders them).
public struct Grid: Sendable {
    /// The choices of one parameter: an integer range (kept as bounds, however wide), or a list.
    public enum Axis: Sendable {
        case integers(ClosedRange<Int>)
        case values([ParameterValue])

        /// nil when the range is wider than an Int can count.
        public var count: Int? {
            switch self {
            case .integers(let range):
                let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
                return overflow || width == Int.max ? nil : width + 1
            case .values(let values):
                return values.count
            }
        }

        public func value(at index: Int) -> ParameterValue {
            switch self {
            case .integers(let range): return .integer(range.lowerBound + index)
            case .values(let values): return values[index]
            }
        }
    }

    /// The choices of each parameter, in the spec's order.
    public let axes: [Axis]
    public let names: [String]

    /// nil when a parameter has no finite set of values (a DOUBLE range).
    public init?(spec: TuningSpec) {
        var axes: [Axis] = []
        for param in spec.params {
            guard let axis = Grid.axis(of: param) else { return nil }
            axes.append(axis)
        }
        self.axes = axes
        self.names = spec.params.map(\.name)
    }

    /// The number of combinations; nil when it overflows an Int.
    public var count: Int? {
        var total = 1
        for axis in axes {
            guard let size = axis.count else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The combination at `index` (0-based, below `count`).
    public func point(at index: Int) -> Assignment {
        var rest = index
        var values = [ParameterValue](repeating: .integer(0), count: axes.count)
        for i in axes.indices.reversed() {
            let size = axes[i].count ?? Int.max
            values[i] = axes[i].value(at: rest % size)
            rest /= size
        }
        return Assignment(Array(zip(names, values)))
    }

    /// A parameter's grid axis; nil for a DOUBLE range (min < max), which has no finite values.
    public static func axis(of param: ParameterSpec) -> Axis? {
        switch param.domain {
        case .double(let lo, let hi, _):
            return lo == hi ? .values([.double(lo)]) : nil
        case .integer(let lo, let hi, _):
            return .integers(lo...hi)
        case .categorical(let values):
            return .values(values.map(ParameterValue.categorical))
        case .discrete(let values):
            return .values(values.map(ParameterValue.discrete))
        }
    }
}

extension TuningSpec {
    /// How many trials the job will run: maxTrials, or the grid's size when a grid search has fewer points.
    public var plannedTrials: Int {
        guard algorithm == .grid, let size = Grid(spec: self)?.count else { return maxTrials }
        return min(size, maxTrials)
    }
}
