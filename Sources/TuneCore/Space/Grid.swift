/// Every combination of a grid-searchable space, enumerated lazily in mixed radix
/// (the last parameter varies fastest, as `itertools.product` orders them).
public struct Grid: Sendable {
    /// The choices of each parameter, in the spec's order.
    public let axes: [[ParameterValue]]
    public let names: [String]

    /// nil when a parameter has no finite set of values (a DOUBLE range).
    public init?(spec: TuningSpec) {
        var axes: [[ParameterValue]] = []
        for param in spec.params {
            guard let values = Grid.values(of: param) else { return nil }
            axes.append(values)
        }
        self.axes = axes
        self.names = spec.params.map(\.name)
    }

    /// The number of combinations; nil when it overflows an Int.
    public var count: Int? {
        var total = 1
        for axis in axes {
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.count)
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
            values[i] = axes[i][rest % axes[i].count]
            rest /= axes[i].count
        }
        return Assignment(Array(zip(names, values)))
    }

    /// A parameter's grid values; nil for a DOUBLE range (min < max), which has none.
    public static func values(of param: ParameterSpec) -> [ParameterValue]? {
        switch param.domain {
        case .double(let lo, let hi, _):
            return lo == hi ? [.double(lo)] : nil
        case .integer(let lo, let hi, _):
            guard hi - lo < 10_000_000 else { return nil }
            return (lo...hi).map(ParameterValue.integer)
        case .categorical(let values):
            return values.map(ParameterValue.categorical)
        case .discrete(let values):
            return values.map(ParameterValue.discrete)
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
